import Foundation
import Pipeline

/// Content quality of a dataset beside its length: what the build summary, `lwdata status` and
/// the report say about the final records. Length alone (S_l) says nothing about whether the text
/// is any good, so these figures are always shown with it: the judge's S_q and weakest dimension
/// (when a judge ran), the coherence contradictions and the share of sentences that talk about
/// the task instead of doing it.
public struct QualityFigures: Sendable, Equatable {
    public var records = 0
    public var words = 0
    public var lengthScores: [Double] = []
    public var qualityScores: [Double] = []
    /// Sum of each judged dimension over judged records.
    public var dimensionSums: [String: Double] = [:]
    /// Judge model identities seen.
    public var judges: Set<String> = []
    /// Records whose content checks ran, and those flagged.
    public var checked = 0
    public var coherenceFlagged = 0
    public var coherenceFlags = 0
    public var taskTalkRecords = 0
    public var taskTalkSentences = 0
    public var sentences = 0

    public init() {}

    /// Adds one exported record (`{"messages", "meta"}`) or one record still carrying its fields.
    public mutating func add(_ record: Record) {
        let meta = record["meta"]?.object ?? record.fields
        records += 1
        words += meta["produced_words"]?.int ?? 0
        if let score = meta["length_score"]?.double { lengthScores.append(score) }
        if let quality = meta["quality"]?.object, let sq = quality["s_q"]?.double {
            qualityScores.append(sq)
            for dimension in JudgeStage.dimensions { dimensionSums[dimension, default: 0] += quality[dimension]?.double ?? 0 }
            if let judge = quality["judge"]?.string { judges.insert(judge) }
        }
        if let checks = meta["content_checks"]?.object {
            checked += 1
            let flags = checks["coherence"]?.array?.count ?? 0
            coherenceFlags += flags
            if flags > 0 { coherenceFlagged += 1 }
            let talk = checks["task_talk"]?["sentences"]?.array?.count ?? 0
            taskTalkSentences += talk
            if talk > 0 { taskTalkRecords += 1 }
            sentences += checks["sentences"]?.int ?? 0
        }
    }

    public var meanLengthScore: Double? { lengthScores.isEmpty ? nil : lengthScores.reduce(0, +) / Double(lengthScores.count) }
    public var meanQualityScore: Double? { qualityScores.isEmpty ? nil : qualityScores.reduce(0, +) / Double(qualityScores.count) }
    public var taskTalkShare: Double? { sentences == 0 ? nil : Double(taskTalkSentences) / Double(sentences) }

    /// The judged dimension with the lowest mean, and that mean.
    public var weakestDimension: (name: String, mean: Double)? {
        guard !qualityScores.isEmpty else { return nil }
        return JudgeStage.dimensions.map { ($0, (dimensionSums[$0] ?? 0) / Double(qualityScores.count)) }.min { $0.1 < $1.1 }
    }

    /// Plain-language lines: length, quality, content flags, and what the judge is worth.
    public func lines() -> [String] {
        guard records > 0 else { return [] }
        var lines = ["dataset: \(records) records, \(words) words"]
        if let sl = meanLengthScore {
            lines.append(String(format: "length: mean S_l %.1f, %d of %d with S_l ≥ 80", sl, lengthScores.filter { $0 >= 80 }.count, lengthScores.count))
        }
        if let sq = meanQualityScore, let weakest = weakestDimension {
            lines.append(String(format: "quality: mean S_q %.1f", sq) + " (judge: \(judges.sorted().joined(separator: ", "))), "
                         + "\(qualityScores.filter { $0 >= 60 }.count) of \(qualityScores.count) with S_q ≥ 60, weakest dimension \(weakest.name) "
                         + String(format: "%.1f of 5", weakest.mean))
            if judges.contains(where: { $0.contains("SmolLM2-135M") }) {
                lines.append("  the judge is the 135M default model, so its scores are weak evidence; give the judge stage a stronger model (README: stage judge)")
            }
        } else {
            lines.append("quality: not judged (add a judge stage to score content)")
        }
        if checked > 0 {
            lines.append("content: coherence contradictions in \(coherenceFlagged) of \(checked) records (\(coherenceFlags) flags); "
                         + "task talk in \(taskTalkRecords) of \(checked) records"
                         + (taskTalkShare.map { String(format: " (%.1f%% of sentences)", $0 * 100) } ?? ""))
        }
        return lines
    }

    /// The same figures as JSON (for `status --json` and `report.json`).
    public var json: JSONValue {
        var object: [String: JSONValue] = ["records": .int(records), "words": .int(words)]
        if let sl = meanLengthScore { object["mean_length_score"] = .double((sl * 100).rounded() / 100) }
        if let sq = meanQualityScore {
            object["mean_quality_score"] = .double((sq * 100).rounded() / 100)
            object["judged"] = .int(qualityScores.count)
            object["judges"] = .array(judges.sorted().map(JSONValue.string))
            object["dimensions"] = .object(dimensionSums.mapValues { .double(($0 / Double(qualityScores.count) * 100).rounded() / 100) })
        }
        if checked > 0 {
            object["checked"] = .int(checked)
            object["coherence_flagged_records"] = .int(coherenceFlagged)
            object["coherence_flags"] = .int(coherenceFlags)
            object["task_talk_records"] = .int(taskTalkRecords)
            if let share = taskTalkShare { object["task_talk_share"] = .double((share * 10_000).rounded() / 10_000) }
        }
        return .object(object)
    }
}
