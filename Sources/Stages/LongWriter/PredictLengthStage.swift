import Foundation
import Generation
import Pipeline

/// Stage `predict-length`: how long an answer does each query need?
///
/// An explicit length in the query ("a 5,000-word report") always wins. Otherwise the model is
/// asked two questions (more than 2,000 words? then which category), as in LongWriter's
/// appendix; a deterministic heuristic is the fallback and a cross-check, and the record keeps
/// both. `trust` picks the prediction used: `model` (default), `heuristic`, or `max` of the two
/// (for small models that under-predict). Queries predicted below `min_words` are dropped with
/// reason `below_min_words`, and above `max_words` (when set, e.g. for quick samples) with
/// reason `above_max_words`.
public struct PredictLengthStage: MapStage {
    public static let kind = "predict-length"
    public static let callsModel = true
    public static let selectable = true
    public static let logicVersion = 1
    public let name: String
    public let settings: PredictLengthSettings

    public init(name: String, settings: PredictLengthSettings) {
        self.name = name
        self.settings = settings
    }

    static let yesNo = OutputFormat.regex("(Yes|No)")
    static let category = OutputFormat.regex("(less than 2000|2000|4000|8000|16000) words")

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        let heuristic = LengthHeuristic.predict(query)
        var length: [String: JSONValue] = ["heuristic_bucket": .int(heuristic.rawValue)]
        var raw: [JSONValue] = []
        let required: Int
        if let explicit = ExplicitLength.find(in: query) {
            length["explicit_words"] = .int(explicit)
            length["source"] = "explicit"
            required = explicit
        } else {
            let model = try ModelCaller(context, stage: name)
            var needsLong: Bool?
            for attempt in 0...settings.retries where needsLong == nil {
                let answer = try await ask(model, settings.step1, query, format: Self.yesNo, maxTokens: 8, attempt: attempt, record: record)
                raw.append(.string(answer))
                needsLong = LengthAnswerParser.parseYesNo(answer)
            }
            guard let needsLong else { return unparseable(record, raw, step: 1) }
            var bucket = LengthBucket.under2000
            if needsLong {
                var parsed: LengthBucket?
                for attempt in 0...settings.retries where parsed == nil {
                    let answer = try await ask(model, settings.step2, query, format: Self.category, maxTokens: 12, attempt: attempt, record: record)
                    raw.append(.string(answer))
                    parsed = LengthAnswerParser.parseBucket(answer)
                }
                guard let parsed else { return unparseable(record, raw, step: 2) }
                bucket = parsed
            }
            length["model_bucket"] = .int(bucket.rawValue)
            let chosen: LengthBucket
            switch settings.trust {
            case "heuristic": chosen = heuristic
            case "max": chosen = max(bucket, heuristic)
            default: chosen = bucket
            }
            length["source"] = .string(chosen == bucket ? "model" : "heuristic")
            required = chosen == .under2000 ? 1000 : chosen.rawValue
        }
        length["required_words"] = .int(required)
        length["raw_answers"] = .array(raw)
        let minWords = settings.minWords, maxWords = settings.maxWords
        if required < minWords {
            return .rejected(id: record.id, Rejection(
                reason: "below_min_words", detail: "predicted \(required) words, below the pipeline's floor of \(minWords)",
                extra: ["query": .string(query), "length": .object(length), "value": .int(required), "threshold": .int(minWords)]))
        }
        if maxWords > 0 && required > maxWords {
            return .rejected(id: record.id, Rejection(
                reason: "above_max_words", detail: "predicted \(required) words, above the pipeline's cap of \(maxWords)",
                extra: ["query": .string(query), "length": .object(length), "value": .int(required), "threshold": .int(maxWords)]))
        }
        var out = record
        out["kind"] = "length"
        out["length"] = .object(length)
        return .records([out])
    }

    private func ask(_ model: ModelCaller, _ template: PromptTemplate, _ query: String, format: OutputFormat,
                     maxTokens: Int, attempt: Int, record: Record) async throws -> String {
        let messages = try template.render(["query": query])
        // Greedy first; a retry samples.
        let parameters = GenerationParameters(temperature: attempt == 0 ? 0 : 0.7, topP: 1, maxTokens: maxTokens,
                                              seed: ModelStageSupport.seed(name, record.id, String(attempt)), responseFormat: format)
        return try await model.generate(messages, parameters).text
    }

    private func unparseable(_ record: Record, _ raw: [JSONValue], step: Int) -> StageOutcome {
        .rejected(id: record.id, Rejection(reason: "unparseable_length_answer",
                                           detail: "step \(step) answer could not be read after \(settings.retries + 1) attempts",
                                           extra: ["raw_answers": .array(raw), "query": record["query"] ?? .null]))
    }
}

/// Parameters of the `predict-length` stage.
public struct PredictLengthSettings: StageSettings {
    public static let keys = ["prompt_step1", "prompt_step2", "min_words", "max_words", "retries", "trust"]
    let step1: PromptTemplate
    let step2: PromptTemplate
    let minWords: Int
    /// 0: no cap.
    let maxWords: Int
    let retries: Int
    /// `model`, `heuristic` or `max`.
    let trust: String

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        step1 = try ModelStageSupport.prompt(p, key: "prompt_step1", default: "prompts/predict_length_step1.txt", pipelineDirectory: pipeline.directory)
        step2 = try ModelStageSupport.prompt(p, key: "prompt_step2", default: "prompts/predict_length_step2.txt", pipelineDirectory: pipeline.directory)
        minWords = try p.int("min_words", range: 0...1_000_000) ?? 2000
        maxWords = try p.int("max_words", range: 0...10_000_000) ?? 0
        retries = try p.int("retries", range: 0...10) ?? 2
        trust = try p.string("trust") ?? "model"
        guard ["model", "heuristic", "max"].contains(trust) else {
            throw p.document.error(p.sub("trust"), "expected model, heuristic or max, found '\(trust)'")
        }
    }
}
