import Pipeline

/// The preference pairs of an output folder (the records of its `make-pairs` stages): how many
/// from each source, and the distribution of their margins (S_l points for answer and length
/// pairs; the share of edited constraints for instruction pairs), for `lwdata status` and the report.
public struct PairFigures: Sendable, Equatable {
    /// Pairs by source.
    public var counts: [String: Int] = [:]
    /// Margins by source.
    public var margins: [String: [Double]] = [:]

    public init() {}

    /// Adds one pair record.
    public mutating func add(_ record: Record) {
        guard let source = record["pair"]?["source"]?.string else { return }
        counts[source, default: 0] += 1
        if let margin = record["pair"]?["margin"]?.double { margins[source, default: []].append(margin) }
    }

    public var total: Int { counts.values.reduce(0, +) }

    /// Margins of a source in ten bins over 0–100.
    public func histogram(_ source: String) -> Histogram { Histogram(lower: 0, upper: 100, bins: 10, values: margins[source] ?? []) }

    /// Lines for `lwdata status`: pairs by source, each source's margin range and mean.
    public func lines() -> [String] {
        guard total > 0 else { return [] }
        var lines = ["pairs: \(total) (" + counts.keys.sorted().map { "\($0) \(counts[$0]!)" }.joined(separator: ", ") + ")"]
        for source in counts.keys.sorted() {
            guard let values = margins[source], !values.isEmpty else { continue }
            let unit = source == PairSource.instruction.rawValue ? "% of constraints edited" : " S_l points"
            lines.append("  \(source) margin: min \(Self.format(values.min()!)), mean \(Self.format(values.reduce(0, +) / Double(values.count))), "
                         + "max \(Self.format(values.max()!))\(unit); by tens from 0: \(histogram(source).counts.map(String.init).joined(separator: " "))")
        }
        return lines
    }

    /// The figures as JSON.
    public var json: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: counts.keys.map { source in
            let values = margins[source] ?? []
            let value: JSONValue = [
                "pairs": .int(counts[source]!),
                "margin_mean": values.isEmpty ? .null : .double(values.reduce(0, +) / Double(values.count)),
                "margin_histogram": ["bin_edges": .array(histogram(source).edges.map(JSONValue.double)),
                                     "counts": .array(histogram(source).counts.map(JSONValue.int))],
            ]
            return (source, value)
        }))
    }

    static func format(_ x: Double) -> String { String(format: "%.1f", x) }
}
