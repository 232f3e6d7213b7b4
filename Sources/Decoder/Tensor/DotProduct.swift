import CKernels

/// Dot products of one encoded row with a `Float` vector, computed on the blocks as
/// stored (no decoded copy of the matrix). Q8_0, Q4_0 and Q4_1 — the encodings of the
/// default model — have fused kernels on SIMD4 lanes (see `PreparedVector`), F16 and BF16 a C
/// kernel (`lw_dot_half`); the other types decode 256 elements at a time into a stack buffer
/// and take a SIMD dot of that. (With int8 activations, the default, the quantized types use
/// the C integer kernels instead; this is the exact-f32 path.)
///
/// The kernels use only concrete SIMD4 operations (shifts, masks, bit casts, `+`, `*`): the
/// generic SIMD conversions compile to calls, and `addingProduct` becomes one libm `fmaf`
/// call per lane when the target's baseline has no FMA. LLVM's vectoriser is sensitive to the
/// exact shape of these loops (a table lookup for the scales, or moving the quants to the top
/// of the mantissa, doubled the instruction count): measure `perf stat -e instructions` before
/// and after any change.
extension GGMLType {
    /// `row · x` over `count` elements (a multiple of `blockSize`); `x` must be the vector `prepared` was made from.
    @inline(__always)
    func dot(row: UnsafeRawPointer, _ x: PreparedVector, count: Int) -> Float {
        switch self {
        case .f32: return VectorMath.dot(row.assumingMemoryBound(to: Float.self), x.original, count: count)
        case .q8_0: return Self.dotQ8_0(row, x, blocks: count / 32)
        case .q4_0: return Self.dotQ4(row, x, blocks: count / 32, hasMinimum: false)
        case .q4_1: return Self.dotQ4(row, x, blocks: count / 32, hasMinimum: true)
        case .f16, .bf16: return lw_dot_half(rawValue, row.assumingMemoryBound(to: UInt8.self), x.original, Int64(count))
        case .q5_0, .q5_1, .q4_K, .q5_K, .q6_K: return dotByDecoding(row: row, x.original, count: count)
        }
    }

    /// Whether `dot` reads `PreparedVector.permuted` (else only `original`).
    var usesPermutedInput: Bool { self == .q8_0 || self == .q4_0 || self == .q4_1 }

    /// Decodes `chunk` elements at a time into a stack buffer and dots them with `x`.
    private func dotByDecoding(row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        let chunk = 256
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { buffer in
            let decoded = buffer.baseAddress!
            var total: Float = 0
            var start = 0
            while start < count {
                let length = Swift.min(chunk, count - start)
                dequantize(row + rowBytes(start), count: length, into: decoded)
                total += VectorMath.dot(decoded, x + start, count: length)
                start += length
            }
            return total
        }
    }

    /// Lanes holding integers below 2²³ as `Float`, exactly: OR-ing them into the mantissa of
    /// 2²³ (`exponent`) and subtracting 2²³ (`offset`, more for values stored with a bias).
    @inline(__always)
    private static func floats(_ lanes: SIMD4<UInt32>, _ exponent: SIMD4<UInt32>, minus offset: SIMD4<Float>) -> SIMD4<Float> {
        unsafeBitCast(lanes | exponent, to: SIMD4<Float>.self) - offset
    }

    /// Q8_0: Σ_blocks d · Σ q_i x_i, with the signed bytes read as (q + 128) then unbiased.
    private static func dotQ8_0(_ row: UnsafeRawPointer, _ x: PreparedVector, blocks: Int) -> Float {
        let exponent = SIMD4<UInt32>(repeating: 0x4B00_0000)
        let signedOffset = SIMD4<Float>(repeating: 8_388_608 + 128)
        let byteMask = SIMD4<UInt32>(repeating: 0xFF)
        let signBit = SIMD4<UInt32>(repeating: 0x80)
        let shifts = (SIMD4<UInt32>(repeating: 0), SIMD4<UInt32>(repeating: 8), SIMD4<UInt32>(repeating: 16), SIMD4<UInt32>(repeating: 24))
        let xs = UnsafeRawPointer(x.permuted)
        var total = SIMD4<Float>()
        for b in 0 ..< blocks {
            let block = row + 34 * b
            let halves = (block.loadUnaligned(fromByteOffset: 2, as: SIMD4<UInt32>.self),
                          block.loadUnaligned(fromByteOffset: 18, as: SIMD4<UInt32>.self))
            let xb = xs + 128 * b
            var sum = SIMD4<Float>()
            func accumulate(_ k: Int, _ shift: SIMD4<UInt32>) {
                let low = floats(((halves.0 &>> shift) & byteMask) ^ signBit, exponent, minus: signedOffset)
                let high = floats(((halves.1 &>> shift) & byteMask) ^ signBit, exponent, minus: signedOffset)
                sum += low * xb.loadUnaligned(fromByteOffset: 32 * k, as: SIMD4<Float>.self)
                sum += high * xb.loadUnaligned(fromByteOffset: 32 * k + 16, as: SIMD4<Float>.self)
            }
            accumulate(0, shifts.0)
            accumulate(1, shifts.1)
            accumulate(2, shifts.2)
            accumulate(3, shifts.3)
            total += SIMD4(repeating: HalfFloat.loadHalf(block)) * sum
        }
        return VectorMath.sum(total)
    }

    /// Q4_0: Σ_blocks d · (Σ q_i x_i − 8 Σ x_i); Q4_1: Σ_blocks (d · Σ q_i x_i + m · Σ x_i).
    private static func dotQ4(_ row: UnsafeRawPointer, _ x: PreparedVector, blocks: Int, hasMinimum: Bool) -> Float {
        let exponent = SIMD4<UInt32>(repeating: 0x4B00_0000)
        let unsignedOffset = SIMD4<Float>(repeating: 8_388_608)
        let nibbleMask = SIMD4<UInt32>(repeating: 0x0F)
        let shifts = (SIMD4<UInt32>(repeating: 0), SIMD4<UInt32>(repeating: 8), SIMD4<UInt32>(repeating: 16), SIMD4<UInt32>(repeating: 24))
        let nibbleShift = SIMD4<UInt32>(repeating: 4)
        let xs = UnsafeRawPointer(x.permuted)
        let blockBytes = hasMinimum ? 20 : 18
        let quantOffset = hasMinimum ? 4 : 2
        var total = SIMD4<Float>()
        var offsets: Float = 0
        for b in 0 ..< blocks {
            let block = row + blockBytes * b
            let lanes = block.loadUnaligned(fromByteOffset: quantOffset, as: SIMD4<UInt32>.self)
            let xb = xs + 128 * b
            var sum = SIMD4<Float>()
            func accumulate(_ k: Int, _ shift: SIMD4<UInt32>) {
                let low = floats((lanes &>> shift) & nibbleMask, exponent, minus: unsignedOffset)
                let high = floats((lanes &>> (shift &+ nibbleShift)) & nibbleMask, exponent, minus: unsignedOffset)
                sum += low * xb.loadUnaligned(fromByteOffset: 32 * k, as: SIMD4<Float>.self)
                sum += high * xb.loadUnaligned(fromByteOffset: 32 * k + 16, as: SIMD4<Float>.self)
            }
            accumulate(0, shifts.0)
            accumulate(1, shifts.1)
            accumulate(2, shifts.2)
            accumulate(3, shifts.3)
            let d = HalfFloat.loadHalf(block)
            total += SIMD4(repeating: d) * sum
            let offset = hasMinimum ? HalfFloat.loadHalf(block, 2) : -8 * d
            offsets += offset * x.blockSums[b]
        }
        return VectorMath.sum(total) + offsets
    }
}

