import Digest
import Foundation
import Pipeline
import Store

/// Stage `export`: the training-ready record, `{"messages": [user, assistant], "meta": {…}}`,
/// written to `dataset/<stage>/`. Meta holds the recipe (`longwriter`, `backtranslate`,
/// `self-lengthen`), required (when the record has a required length) and produced length (CJK
/// characters plus words), the LongBench-Write length score S_l, the plan, per-step word counts,
/// the other recipes' fields (`recipeFields`), model, prompt hashes, seeds, timings and tokens.
public final class ExportStage: MapStage, @unchecked Sendable {
    // @unchecked: the counters are guarded by `lock`.
    public static let kind = "export"
    public static let logicVersion = 1
    public static let outputFolder = OutputLayout.datasetFolder
    public let name: String
    public let settings: ExportSettings
    private let lock = NSLock()
    private var records = 0, words = 0
    private var scores: [Double] = []

    /// Fields of the other recipes' records carried into `meta`: backtranslation's instruction,
    /// constraints, rejected version and span; Self-Lengthen's rounds; the length requirement.
    static let recipeFields = ["instruction", "constraints", "rejected", "span", "lengthen", "length_constraint", "original_query"]
    /// Content checks carried into `meta`: the judge's scores (`quality`) and the filter's content flags (`content_checks`).
    static let qualityFields = ["quality", "content_checks"]

    public init(name: String, settings: ExportSettings) {
        self.name = name
        self.settings = settings
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        let response = try ModelStageSupport.string(record, "response", stage: name)
        let required = record["length"]?["required_words"]?.int ?? 0
        let produced = LengthCounter.count(response)
        let score = LengthScore.score(required: required, produced: produced)
        lock.withLock {
            records += 1
            words += produced
            if required > 0 { scores.append(score) }
        }
        var meta: [String: JSONValue] = [
            "recipe": record["recipe"] ?? "longwriter",
            "produced_words": .int(produced),
            "language": record["language"] ?? .null,
        ]
        if required > 0 {
            meta["required_words"] = .int(required)
            meta["length_score"] = .double((score * 100).rounded() / 100)
            meta["length_prediction"] = record["length"] ?? .null
        }
        if let plan = record["plan"] { meta["plan"] = plan }
        for key in Self.recipeFields + Self.qualityFields { if let value = record[key] { meta[key] = value } }
        if let generation = record["generation"]?.object {
            for key in ["prompt_tokens", "completion_tokens", "seconds", "model", "prompt_hashes"] { meta[key] = generation[key] ?? .null }
        }
        if let write = record["write_meta"]?.object {
            meta["step_words"] = .array((write["steps"]?.array ?? []).map { $0["words"] ?? .null })
            for key in ["prompt_tokens", "completion_tokens", "seconds", "model", "context_cuts"] { meta[key] = write[key] ?? .null }
            meta["prompt_hashes"] = ["write": write["prompt_hash"] ?? .null]
            // Each section's relevance, with its best-of-N candidates' scores when it was rewritten.
            let relevance = (write["steps"]?.array ?? []).compactMap { step -> JSONValue? in
                guard var fields = step["relevance"]?.object else { return nil }
                if let candidates = step["candidates"]?.array { fields["candidate_scores"] = .array(candidates.map { $0["score"] ?? .null }) }
                return .object(fields)
            }
            if !relevance.isEmpty { meta["section_relevance"] = .array(relevance) }
        }
        if let source = record["source"] { meta["source"] = source }
        return .records([Record(id: record.id, fields: [
            "messages": [["role": "user", "content": .string(query)], ["role": "assistant", "content": .string(response)]],
            "meta": .object(meta),
        ])])
    }

    public func summaryLines() -> [String] {
        lock.withLock {
            guard records > 0 else { return [] }
            guard !scores.isEmpty else { return ["\(name): \(records) records written this run, \(words) words"] }
            let mean = scores.reduce(0, +) / Double(scores.count)
            let good = scores.filter { $0 >= 80 }.count
            return ["\(name): \(records) records written this run, \(words) words, mean S_l \(String(format: "%.1f", mean)), "
                    + "\(good) of \(scores.count) with S_l ≥ 80"]
        }
    }
}

/// The `export` stage has no parameters.
public struct ExportSettings: StageSettings {
    public static let keys: [String] = []
    public init(_ params: ConfigObject, pipeline: PipelineConfig) throws {}
}
