/// Counts of values in equal-width bins over `[lower, upper]` (the last bin includes `upper`).
public struct Histogram: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    public private(set) var counts: [Int]

    public init(lower: Double, upper: Double, bins: Int, values: [Double] = []) {
        self.lower = lower
        self.upper = max(upper, lower + 1)
        counts = Array(repeating: 0, count: max(1, bins))
        for v in values { add(v) }
    }

    public var binWidth: Double { (upper - lower) / Double(counts.count) }

    public mutating func add(_ value: Double) {
        let i = Int(((value - lower) / binWidth).rounded(.down))
        counts[min(counts.count - 1, max(0, i))] += 1
    }

    /// Lower edge of each bin.
    public var edges: [Double] { counts.indices.map { lower + Double($0) * binWidth } }
}
