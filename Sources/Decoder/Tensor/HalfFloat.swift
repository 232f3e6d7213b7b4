/// Conversions from the 16-bit float encodings GGUF uses to `Float`.
///
/// Written with bit operations rather than `Float16` so they exist on every platform
/// and give exact results for every bit pattern (subnormals, infinities, NaN).
enum HalfFloat {
    /// IEEE 754 binary16 (`F16`, the scales of quantized blocks) to `Float`.
    @inline(__always)
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Zero or subnormal: mantissa × 2⁻²⁴, exact in Float.
            let magnitude = Float(mantissa) * (1.0 / 16_777_216.0)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// bfloat16 (`BF16`: the top half of a binary32) to `Float`.
    @inline(__always)
    static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Reads a little-endian binary16 at `offset` bytes past `pointer`.
    @inline(__always)
    static func loadHalf(_ pointer: UnsafeRawPointer, _ offset: Int = 0) -> Float {
        float(fromHalf: UInt16(littleEndian: pointer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }
}
