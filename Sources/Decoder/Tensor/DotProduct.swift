/// Dot products of one encoded row with a `Float` vector, computed on the blocks as
/// stored (no decoded copy of the matrix). Q8_0, Q4_0 and Q4_1 — the encodings of the
/// default model — have fused SIMD kernels; the other types decode 256 elements at a time
/// into a stack buffer and take a SIMD dot of that.
extension GGMLType {
    /// `row · x` over `count` elements (a multiple of `blockSize`).
    @inline(__always)
    func dot(row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        switch self {
        case .f32: return VectorMath.dot(row.assumingMemoryBound(to: Float.self), x, count: count)
        case .q8_0: return Self.dotQ8_0(row, x, blocks: count / 32)
        case .q4_0: return Self.dotQ4_0(row, x, blocks: count / 32)
        case .q4_1: return Self.dotQ4_1(row, x, blocks: count / 32)
        case .f16, .bf16, .q4_K, .q5_K, .q6_K: return dotByDecoding(row: row, x, count: count)
        }
    }

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

    @inline(__always)
    private static func floats(_ x: UnsafePointer<Float>, _ offset: Int) -> SIMD16<Float> {
        UnsafeRawPointer(x + offset).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Q8_0: Σ_blocks d · Σ q_i x_i.
    private static func dotQ8_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var sum = SIMD16<Float>()
        for b in 0 ..< blocks {
            let block = row + 34 * b
            let d = HalfFloat.loadHalf(block)
            let low = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)))
            let high = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)))
            let products = low * floats(x, 32 * b) + high * floats(x, 32 * b + 16)
            sum = sum.addingProduct(d, products)
        }
        return sum.sum()
    }

    /// Q4_0: Σ_blocks d · Σ (q_i − 8) x_i.
    private static func dotQ4_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var sum = SIMD16<Float>()
        for b in 0 ..< blocks {
            let block = row + 18 * b
            let d = HalfFloat.loadHalf(block)
            let packed = SIMD16<Int32>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self))
            let low = SIMD16<Float>((packed & 0x0F) &- 8)
            let high = SIMD16<Float>((packed &>> 4) &- 8)
            let products = low * floats(x, 32 * b) + high * floats(x, 32 * b + 16)
            sum = sum.addingProduct(d, products)
        }
        return sum.sum()
    }

    /// Q4_1: Σ_blocks (d · Σ q_i x_i + m · Σ x_i).
    private static func dotQ4_1(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        var sum = SIMD16<Float>()
        for b in 0 ..< blocks {
            let block = row + 20 * b
            let d = HalfFloat.loadHalf(block)
            let m = HalfFloat.loadHalf(block, 2)
            let packed = SIMD16<Int32>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self))
            let low = SIMD16<Float>(packed & 0x0F)
            let high = SIMD16<Float>(packed &>> 4)
            let x0 = floats(x, 32 * b)
            let x1 = floats(x, 32 * b + 16)
            sum = sum.addingProduct(d, low * x0 + high * x1)
            sum = sum.addingProduct(m, x0 + x1)
        }
        return sum.sum()
    }
}
