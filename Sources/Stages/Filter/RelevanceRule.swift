import Pipeline

/// The `min_relevance` rule of `dedup-filter`: drops a record whose sections are, on average, not
/// about its instruction. It reads the relevance the `write` stage recorded for each section
/// (`write_meta.steps[].relevance.score`, the mean of the section's cosines to the instruction and
/// to its plan point), so it needs no encoder; a record without recorded relevance (written with
/// `relevance: off`, or not by `write`) is not checked.
enum RelevanceRule {
    static let name = "low_relevance"

    /// The section scores a record carries, in order (empty when it has none).
    static func sectionScores(of record: Record) -> [Double] {
        (record["write_meta"]?["steps"]?.array ?? []).compactMap { $0["relevance"]?["score"]?.double }
    }

    /// nil when the record has no scores (not checked); otherwise passed or the verdict.
    static func check(_ record: Record, minimum: Double) -> RuleResult? {
        let scores = sectionScores(of: record)
        guard !scores.isEmpty else { return nil }
        let mean = scores.reduce(0, +) / Double(scores.count)
        let below = scores.filter { $0 < minimum }.count
        return .check(mean < minimum, RuleVerdict(
            rule: name, value: .double(QualityChecker.rounded(mean)), threshold: .double(minimum),
            detail: "mean section relevance \(String(format: "%.3f", mean)) below \(String(format: "%.3f", minimum)) "
                + "(\(below) of \(scores.count) sections below it)"))
    }
}
