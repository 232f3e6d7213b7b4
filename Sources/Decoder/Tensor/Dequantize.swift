/// Decoding of GGML blocks to `Float`, one row at a time, following the block definitions
/// of ggml (`ggml-common.h`): the reference path every faster kernel is tested against.
extension GGMLType {
    /// Decodes `count` elements (a multiple of `blockSize`) starting at `source` into `destination`.
    public func dequantize(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        precondition(count % blockSize == 0, "\(self) rows are whole blocks of \(blockSize)")
        switch self {
        case .f32:
            for i in 0 ..< count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .f16:
            for i in 0 ..< count { destination[i] = HalfFloat.loadHalf(source, 2 * i) }
        case .bf16:
            for i in 0 ..< count {
                destination[i] = HalfFloat.float(fromBFloat16: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .q8_0: decodeBlocks(source, count, destination, Self.dequantizeQ8_0)
        case .q4_0: decodeBlocks(source, count, destination, Self.dequantizeQ4_0)
        case .q4_1: decodeBlocks(source, count, destination, Self.dequantizeQ4_1)
        case .q5_0: decodeBlocks(source, count, destination, Self.dequantizeQ5_0)
        case .q5_1: decodeBlocks(source, count, destination, Self.dequantizeQ5_1)
        case .q4_K: decodeBlocks(source, count, destination, Self.dequantizeQ4_K)
        case .q5_K: decodeBlocks(source, count, destination, Self.dequantizeQ5_K)
        case .q6_K: decodeBlocks(source, count, destination, Self.dequantizeQ6_K)
        }
    }

    @inline(__always)
    private func decodeBlocks(_ source: UnsafeRawPointer, _ count: Int, _ destination: UnsafeMutablePointer<Float>,
                              _ decodeBlock: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void) {
        for block in 0 ..< count / blockSize {
            decodeBlock(source + block * blockBytes, destination + block * blockSize)
        }
    }

    /// Decodes `count` elements into a new array.
    public func dequantize(_ source: UnsafeRawPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            dequantize(source, count: count, into: buffer.baseAddress!)
            initialized = count
        }
    }

    /// Q8_0: f16 scale `d`, then 32 signed bytes `q`; value = q·d.
    private static func dequantizeQ8_0(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block)
        for i in 0 ..< 32 {
            output[i] = Float(block.load(fromByteOffset: 2 + i, as: Int8.self)) * d
        }
    }

    /// Q4_0: f16 scale `d`, then 16 bytes of 4-bit `q` (low nibbles are elements 0–15,
    /// high nibbles 16–31); value = (q − 8)·d.
    private static func dequantizeQ4_0(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block)
        for i in 0 ..< 16 {
            let byte = block.load(fromByteOffset: 2 + i, as: UInt8.self)
            output[i] = Float(Int(byte & 0x0F) - 8) * d
            output[i + 16] = Float(Int(byte >> 4) - 8) * d
        }
    }

    /// Q4_1: f16 scale `d`, f16 minimum `m`, then 16 bytes of nibbles as in Q4_0; value = q·d + m.
    private static func dequantizeQ4_1(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block)
        let m = HalfFloat.loadHalf(block, 2)
        for i in 0 ..< 16 {
            let byte = block.load(fromByteOffset: 4 + i, as: UInt8.self)
            output[i] = Float(byte & 0x0F) * d + m
            output[i + 16] = Float(byte >> 4) * d + m
        }
    }

    /// The 5-bit values of a Q5_0/Q5_1 block whose 4 bytes of high bits start at `offset`,
    /// followed by 16 bytes of nibbles laid out as in Q4_0: element `i` takes its fifth bit
    /// from bit `i` of the little-endian 32-bit word `qh`.
    @inline(__always)
    private static func fiveBitValues(_ block: UnsafeRawPointer, highBitsAt offset: Int, _ body: (_ index: Int, _ q: Int) -> Void) {
        let highBits = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        for i in 0 ..< 16 {
            let byte = block.load(fromByteOffset: offset + 4 + i, as: UInt8.self)
            body(i, Int(byte & 0x0F) | Int((highBits >> UInt32(i)) & 1) << 4)
            body(i + 16, Int(byte >> 4) | Int((highBits >> UInt32(i + 16)) & 1) << 4)
        }
    }

    /// Q5_0: f16 scale `d`, 4 bytes of fifth bits, 16 bytes of nibbles; value = (q − 16)·d.
    private static func dequantizeQ5_0(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block)
        fiveBitValues(block, highBitsAt: 2) { i, q in output[i] = Float(q - 16) * d }
    }

    /// Q5_1: f16 scale `d`, f16 minimum `m`, then fifth bits and nibbles as in Q5_0; value = q·d + m.
    private static func dequantizeQ5_1(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block)
        let m = HalfFloat.loadHalf(block, 2)
        fiveBitValues(block, highBitsAt: 4) { i, q in output[i] = Float(q) * d + m }
    }

    /// The 6-bit scale and minimum of sub-block `j` (0–7) of a Q4_K/Q5_K super-block, packed
    /// in 12 bytes: sub-blocks 0–3 use the low 6 bits of bytes `j` and `j+4`; sub-blocks 4–7
    /// take their low 4 bits from byte `j+4` and their top 2 bits from the spare high bits of
    /// bytes `j−4` (scale) and `j` (minimum).
    @inline(__always)
    static func kQuantScaleAndMin(_ scales: UnsafeRawPointer, _ j: Int) -> (scale: Float, min: Float) {
        func byte(_ i: Int) -> UInt8 { scales.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 {
            return (Float(byte(j) & 63), Float(byte(j + 4) & 63))
        }
        let scale = (byte(j + 4) & 0x0F) | ((byte(j - 4) >> 6) << 4)
        let minimum = (byte(j + 4) >> 4) | ((byte(j) >> 6) << 4)
        return (Float(scale), Float(minimum))
    }

    /// Q4_K: f16 `d`, f16 `dmin`, 12 bytes of packed 6-bit scales/minimums for eight sub-blocks
    /// of 32, then 128 bytes of nibbles. Each 32 bytes of nibbles hold two sub-blocks: low
    /// nibbles the first, high nibbles the second. Value = d·scale·q − dmin·min.
    private static func dequantizeQ4_K(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block)
        let dmin = HalfFloat.loadHalf(block, 2)
        let scales = block + 4
        let quants = block + 16
        for pair in 0 ..< 4 {
            let (scaleLow, minLow) = kQuantScaleAndMin(scales, 2 * pair)
            let (scaleHigh, minHigh) = kQuantScaleAndMin(scales, 2 * pair + 1)
            for l in 0 ..< 32 {
                let byte = quants.load(fromByteOffset: 32 * pair + l, as: UInt8.self)
                output[64 * pair + l] = d * scaleLow * Float(byte & 0x0F) - dmin * minLow
                output[64 * pair + 32 + l] = d * scaleHigh * Float(byte >> 4) - dmin * minHigh
            }
        }
    }

    /// Q5_K: like Q4_K with a fifth bit per element: after the scales come 32 bytes `qh`
    /// whose bit `2·pair` (first sub-block of the pair) and `2·pair + 1` (second) add 16,
    /// then the 128 bytes of nibbles.
    private static func dequantizeQ5_K(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block)
        let dmin = HalfFloat.loadHalf(block, 2)
        let scales = block + 4
        let highBits = block + 16
        let quants = block + 48
        for pair in 0 ..< 4 {
            let (scaleLow, minLow) = kQuantScaleAndMin(scales, 2 * pair)
            let (scaleHigh, minHigh) = kQuantScaleAndMin(scales, 2 * pair + 1)
            for l in 0 ..< 32 {
                let byte = quants.load(fromByteOffset: 32 * pair + l, as: UInt8.self)
                let high = highBits.load(fromByteOffset: l, as: UInt8.self)
                let qLow = Int(byte & 0x0F) + Int((high >> (2 * pair)) & 1) * 16
                let qHigh = Int(byte >> 4) + Int((high >> (2 * pair + 1)) & 1) * 16
                output[64 * pair + l] = d * scaleLow * Float(qLow) - dmin * minLow
                output[64 * pair + 32 + l] = d * scaleHigh * Float(qHigh) - dmin * minHigh
            }
        }
    }

    /// Q6_K: 128 bytes `ql` (low 4 bits), 64 bytes `qh` (high 2 bits), 16 signed 8-bit scales
    /// (one per 16 elements), f16 `d`. Each half of 128 elements uses 64 bytes of `ql` and 32 of
    /// `qh`: element `l + 32·k` (k = 0…3) takes its low bits from `ql[l]` (k even) or `ql[l+32]`
    /// (k odd), low nibble for k < 2, high nibble otherwise, and its high bits from bits
    /// `2k, 2k+1` of `qh[l]`. Value = d·scale·(q − 32).
    private static func dequantizeQ6_K(_ block: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) {
        let d = HalfFloat.loadHalf(block, 208)
        for half in 0 ..< 2 {
            let low = block + 64 * half
            let high = block + 128 + 32 * half
            let scales = block + 192 + 8 * half
            for l in 0 ..< 32 {
                let qh = high.load(fromByteOffset: l, as: UInt8.self)
                let lowA = low.load(fromByteOffset: l, as: UInt8.self)
                let lowB = low.load(fromByteOffset: l + 32, as: UInt8.self)
                let scale = { (k: Int) in d * Float(scales.load(fromByteOffset: l / 16 + 2 * k, as: Int8.self)) }
                output[128 * half + l] = scale(0) * Float(Int((lowA & 0x0F) | ((qh & 3) << 4)) - 32)
                output[128 * half + 32 + l] = scale(1) * Float(Int((lowB & 0x0F) | (((qh >> 2) & 3) << 4)) - 32)
                output[128 * half + 64 + l] = scale(2) * Float(Int((lowA >> 4) | (((qh >> 4) & 3) << 4)) - 32)
                output[128 * half + 96 + l] = scale(3) * Float(Int((lowB >> 4) | (((qh >> 6) & 3) << 4)) - 32)
            }
        }
    }
}
