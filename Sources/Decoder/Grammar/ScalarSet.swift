/// A set of Unicode scalar values, kept as sorted, disjoint, non-adjacent closed ranges.
///
/// Surrogate code points (U+D800–U+DFFF) are never members: they have no UTF-8 encoding.
struct ScalarSet: Equatable, Hashable, Sendable {
    /// The ranges, sorted, disjoint and non-adjacent.
    private(set) var ranges: [ClosedRange<UInt32>]

    static let maxScalar: UInt32 = 0x10FFFF
    private static let surrogates: ClosedRange<UInt32> = 0xD800 ... 0xDFFF

    /// The empty set.
    init() { ranges = [] }

    /// The scalars in `ranges` (any order, may overlap), surrogates removed.
    init(_ ranges: [ClosedRange<UInt32>]) {
        self.ranges = Self.normalized(ranges)
    }

    /// The single scalar `scalar`.
    init(_ scalar: Unicode.Scalar) { self.init([scalar.value ... scalar.value]) }

    /// The scalars in `ranges`, e.g. `ScalarSet("a" ... "z", "_" ... "_")`.
    init(_ ranges: ClosedRange<Unicode.Scalar>...) {
        self.init(ranges.map { $0.lowerBound.value ... $0.upperBound.value })
    }

    /// The scalars of `text`.
    init(anyOf text: String) {
        self.init(text.unicodeScalars.map { $0.value ... $0.value })
    }

    /// Every Unicode scalar.
    static let all = ScalarSet([0 ... maxScalar])

    var isEmpty: Bool { ranges.isEmpty }

    func contains(_ value: UInt32) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(value)
    }

    func union(_ other: ScalarSet) -> ScalarSet { ScalarSet(ranges + other.ranges) }

    /// Every scalar not in the set.
    func inverted() -> ScalarSet {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next ... range.lowerBound - 1) }
            next = range.upperBound + 1
        }
        if next <= Self.maxScalar { result.append(next ... Self.maxScalar) }
        return ScalarSet(result)
    }

    func subtracting(_ other: ScalarSet) -> ScalarSet { inverted().union(other).inverted() }

    func intersection(_ other: ScalarSet) -> ScalarSet { inverted().union(other.inverted()).inverted() }

    private static func normalized(_ input: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var pieces: [ClosedRange<UInt32>] = []
        for range in input where range.lowerBound <= maxScalar {
            let clamped = range.lowerBound ... min(range.upperBound, maxScalar)
            if clamped.upperBound < surrogates.lowerBound || clamped.lowerBound > surrogates.upperBound {
                pieces.append(clamped)
                continue
            }
            if clamped.lowerBound < surrogates.lowerBound {
                pieces.append(clamped.lowerBound ... surrogates.lowerBound - 1)
            }
            if clamped.upperBound > surrogates.upperBound {
                pieces.append(surrogates.upperBound + 1 ... clamped.upperBound)
            }
        }
        pieces.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for piece in pieces {
            if let last = merged.last, piece.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound ... max(last.upperBound, piece.upperBound)
            } else {
                merged.append(piece)
            }
        }
        return merged
    }
}
