/// A set of byte values, as a 256-bit bitmap.
struct ByteSet: Hashable, Sendable {
    private var low: (UInt64, UInt64) = (0, 0)
    private var high: (UInt64, UInt64) = (0, 0)

    /// The empty set.
    init() {}

    /// The bytes in `range`.
    init(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: low.0 |= bit
        case 1: low.1 |= bit
        case 2: high.0 |= bit
        default: high.1 |= bit
        }
    }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return low.0 & bit != 0
        case 1: return low.1 & bit != 0
        case 2: return high.0 & bit != 0
        default: return high.1 & bit != 0
        }
    }

    /// Whether some byte is in both sets.
    func intersects(_ other: ByteSet) -> Bool {
        low.0 & other.low.0 != 0 || low.1 & other.low.1 != 0 || high.0 & other.high.0 != 0 || high.1 & other.high.1 != 0
    }

    func union(_ other: ByteSet) -> ByteSet {
        var result = self
        result.low = (low.0 | other.low.0, low.1 | other.low.1)
        result.high = (high.0 | other.high.0, high.1 | other.high.1)
        return result
    }

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.low == rhs.low && lhs.high == rhs.high
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(low.0)
        hasher.combine(low.1)
        hasher.combine(high.0)
        hasher.combine(high.1)
    }
}
