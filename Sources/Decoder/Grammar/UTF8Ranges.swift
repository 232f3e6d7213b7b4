/// Turns sets of Unicode scalars into the UTF-8 byte patterns that encode exactly them.
enum UTF8Ranges {
    /// Byte-range sequences whose union is the UTF-8 encodings of `set`: a byte string of length
    /// n encodes a member iff it matches one sequence of n ranges byte by byte.
    static func sequences(for set: ScalarSet) -> [[ClosedRange<UInt8>]] {
        var result: [[ClosedRange<UInt8>]] = []
        let lengthBoundaries: [UInt32] = [0x7F, 0x7FF, 0xFFFF, 0x10FFFF]
        for range in set.ranges {
            var low = range.lowerBound
            for boundary in lengthBoundaries where low <= range.upperBound && low <= boundary {
                let high = min(range.upperBound, boundary)
                appendSameLength(low, high, to: &result)
                low = high + 1
            }
        }
        return result
    }

    /// Splits `[low, high]` (scalars whose encodings have one length) until every piece is a
    /// product of byte ranges, then appends the pieces.
    private static func appendSameLength(_ low: UInt32, _ high: UInt32, to result: inout [[ClosedRange<UInt8>]]) {
        let length = encode(low).count
        for trailing in 1 ..< max(length, 1) {
            let mask: UInt32 = (1 << (6 * UInt32(trailing))) - 1
            guard low & ~mask != high & ~mask else { continue }
            if low & mask != 0 {
                appendSameLength(low, low | mask, to: &result)
                appendSameLength((low | mask) + 1, high, to: &result)
                return
            }
            if high & mask != mask {
                appendSameLength(low, (high & ~mask) - 1, to: &result)
                appendSameLength(high & ~mask, high, to: &result)
                return
            }
        }
        result.append(zip(encode(low), encode(high)).map { $0 ... $1 })
    }

    /// The UTF-8 encoding of scalar value `value`.
    static func encode(_ value: UInt32) -> [UInt8] {
        switch value {
        case 0 ..< 0x80:
            return [UInt8(value)]
        case 0x80 ..< 0x800:
            return [UInt8(0xC0 | value >> 6), UInt8(0x80 | value & 0x3F)]
        case 0x800 ..< 0x10000:
            return [UInt8(0xE0 | value >> 12), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
        default:
            return [UInt8(0xF0 | value >> 18), UInt8(0x80 | value >> 12 & 0x3F),
                    UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
        }
    }
}
