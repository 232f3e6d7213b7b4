import Digest
import Foundation
import Generation
import Pipeline
import Messages
import Store

/// Stage `predict-length`: how long an answer does each query need?
///
/// An explicit length in the query ("a 5,000-word report") always wins. Otherwise signals vote
/// (`LengthPredictor`): the heuristic (cue phrases re-fitted on the labelled queries), the nearest
/// labelled queries (TF-IDF cosine), and the model's two-step answer (more than 2,000 words? then
/// which category, as in LongWriter's appendix), weighted by the backend: low for the built-in
/// model, higher for the `openai` backend. The record keeps every signal's answer, the votes and
/// the chosen bucket. `trust` picks the prediction used: `vote` (default), `heuristic`,
/// `neighbours`, `model`, or `max` of the model and the heuristic. The model is asked only when
/// its answer is used. Queries predicted below `min_words` are dropped with reason
/// `below_min_words`, and above `max_words` (when set, e.g. for quick samples) with reason
/// `above_max_words`.
public struct PredictLengthStage: MapStage {
    public static let kind = "predict-length"
    public static let callsModel = true
    public static let selectable = true
    public static let logicVersion = 2
    public let name: String
    public let settings: PredictLengthSettings
    let predictor: LengthPredictor

    public init(name: String, settings: PredictLengthSettings) throws {
        self.name = name
        self.settings = settings
        var examples: [LabelledQuery] = []
        for file in settings.labelled {
            examples += file.path == PredictLengthSettings.builtinLabelled ? LabelledQueries.builtin : try LabelledQueries.read(file: file.resolved)
        }
        predictor = LengthPredictor(examples: examples, k: settings.neighboursK)
    }

    static let yesNo = OutputFormat.regex("(Yes|No)")
    static let category = OutputFormat.regex("(less than 2000|2000|4000|8000|16000) words")

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        var length: [String: JSONValue] = [:]
        var raw: [JSONValue] = []
        let required: Int
        if let explicit = ExplicitLength.find(in: query) {
            length["explicit_words"] = .int(explicit)
            length["source"] = "explicit"
            required = explicit
        } else {
            var weights = settings.weights
            var modelBucket: LengthBucket?
            if settings.asksModel {
                let model = try ModelCaller(context, stage: name)
                weights.model = model.model.backendName == "openai" ? settings.modelWeightOpenAI : settings.modelWeightBuiltin
                if settings.trust != "vote" || weights.model > 0 {
                    switch try await askModel(model, query, record: record, raw: &raw) {
                    case .answer(let bucket): modelBucket = bucket
                    case .unparseable(let step): return unparseable(record, raw, step: step)
                    }
                }
            }
            let prediction = predictor.predict(query, model: modelBucket, weights: weights)
            let chosen: LengthBucket
            switch settings.trust {
            case "heuristic": chosen = prediction.heuristic
            case "neighbours": chosen = prediction.neighbours.bucket ?? prediction.heuristic
            case "model": chosen = modelBucket ?? prediction.chosen
            case "max": chosen = max(modelBucket ?? prediction.heuristic, prediction.heuristic)
            default: chosen = prediction.chosen
            }
            length.merge(Self.signals(prediction, weights: weights, index: predictor.neighbours.index.name), uniquingKeysWith: { $1 })
            length["bucket"] = .int(chosen.rawValue)
            length["source"] = .string(settings.trust)
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

    /// Each signal's answer, the weighted votes and the three nearest labelled queries.
    static func signals(_ prediction: LengthPredictor.Prediction, weights: LengthVoteWeights, index: String) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "heuristic_bucket": .int(prediction.heuristic.rawValue),
            "neighbours_bucket": prediction.neighbours.bucket.map { .int($0.rawValue) } ?? .null,
            "vote_bucket": .int(prediction.chosen.rawValue),
            "votes": .object(Dictionary(uniqueKeysWithValues: prediction.votes.map { (String($0.key.rawValue), .double(($0.value * 1000).rounded() / 1000)) })),
            "neighbours": .array(prediction.neighbours.neighbours.prefix(3).map {
                .object(["query": .string($0.query), "bucket": .int($0.bucket.rawValue), "similarity": .double(($0.similarity * 1000).rounded() / 1000)])
            }),
            "predictor": .string("vote: heuristic \(weights.heuristic), neighbours (\(index)) \(weights.neighbours), model \(weights.model)"),
        ]
        if let model = prediction.model { fields["model_bucket"] = .int(model.rawValue) }
        return fields
    }

    enum ModelAnswer { case answer(LengthBucket), unparseable(step: Int) }

    /// The model's two-step answer: more than 2,000 words? then which category.
    private func askModel(_ model: ModelCaller, _ query: String, record: Record, raw: inout [JSONValue]) async throws -> ModelAnswer {
        var needsLong: Bool?
        for attempt in 0...settings.retries where needsLong == nil {
            let answer = try await ask(model, settings.step1, query, format: Self.yesNo, maxTokens: 8, attempt: attempt, record: record)
            raw.append(.string(answer))
            needsLong = LengthAnswerParser.parseYesNo(answer)
        }
        guard let needsLong else { return .unparseable(step: 1) }
        guard needsLong else { return .answer(.under2000) }
        var parsed: LengthBucket?
        for attempt in 0...settings.retries where parsed == nil {
            let answer = try await ask(model, settings.step2, query, format: Self.category, maxTokens: 12, attempt: attempt, record: record)
            raw.append(.string(answer))
            parsed = LengthAnswerParser.parseBucket(answer)
        }
        return parsed.map { .answer($0) } ?? .unparseable(step: 2)
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
    public static let keys = ["prompt_step1", "prompt_step2", "min_words", "max_words", "retries", "trust", "labelled", "neighbours_k",
                              "weight_heuristic", "weight_neighbours", "weight_model_builtin", "weight_model_openai"]
    /// The `labelled` entry naming the set shipped with lwdata.
    static let builtinLabelled = "builtin"
    static let trustModes = ["vote", "heuristic", "neighbours", "model", "max"]

    /// One labelled-query file: its path as written and the SHA-256 of its content (the hash keys the stage).
    struct LabelledFile: Encodable, Sendable {
        let path: String
        let sha256: String
        /// Absolute path (not part of the hash: moving the file changes nothing).
        let resolved: String
        private enum CodingKeys: String, CodingKey { case sha256 }
    }

    let step1: PromptTemplate
    let step2: PromptTemplate
    let minWords: Int
    /// 0: no cap.
    let maxWords: Int
    let retries: Int
    /// One of `trustModes`.
    let trust: String
    /// The labelled queries the heuristic is fitted on and the neighbours come from.
    let labelled: [LabelledFile]
    let neighboursK: Int
    /// Weights of the heuristic and the neighbours (the model's is set per backend).
    let weights: LengthVoteWeights
    let modelWeightBuiltin: Double
    let modelWeightOpenAI: Double

    /// Whether the model is asked at all (`vote` also skips it when the backend's weight is 0).
    var asksModel: Bool { trust == "model" || trust == "max" || (trust == "vote" && (modelWeightBuiltin > 0 || modelWeightOpenAI > 0)) }

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        step1 = try ModelStageSupport.prompt(p, key: "prompt_step1", default: "prompts/predict_length_step1.txt", pipelineDirectory: pipeline.directory)
        step2 = try ModelStageSupport.prompt(p, key: "prompt_step2", default: "prompts/predict_length_step2.txt", pipelineDirectory: pipeline.directory)
        minWords = try p.int("min_words", range: 0...1_000_000) ?? 2000
        maxWords = try p.int("max_words", range: 0...10_000_000) ?? 0
        retries = try p.int("retries", range: 0...10) ?? 2
        trust = try p.string("trust") ?? "vote"
        guard Self.trustModes.contains(trust) else {
            throw p.document.error(p.sub("trust"), "expected \(Self.trustModes.joined(separator: ", ")), found '\(trust)'")
        }
        var files: [LabelledFile] = []
        let list = try p.array("labelled") ?? [.string(Self.builtinLabelled)]
        for (i, value) in list.enumerated() {
            guard let path = value.string else { throw p.document.error(p.sub("labelled") + "[\(i)]", "expected a file path or builtin, found \(value.typeName)") }
            if path == Self.builtinLabelled {
                files.append(LabelledFile(path: path, sha256: ContentHash.of(LengthDemandSet.jsonl), resolved: path))
                continue
            }
            let resolved = pipeline.resolve((path as NSString).expandingTildeInPath)
            guard FileSystem.fileExists(resolved) else { throw p.document.error(p.sub("labelled") + "[\(i)]", "no labelled file at \(resolved)") }
            do { _ = try LabelledQueries.read(file: resolved) } catch { throw p.document.error(p.sub("labelled") + "[\(i)]", "\(error)") }
            files.append(LabelledFile(path: path, sha256: try FileSystem.sha256(ofFile: resolved), resolved: resolved))
        }
        labelled = files
        neighboursK = try p.int("neighbours_k", range: 1...100) ?? 7
        weights = LengthVoteWeights(heuristic: try p.double("weight_heuristic", range: 0...10) ?? 1,
                                    neighbours: try p.double("weight_neighbours", range: 0...10) ?? 1.2, model: 0)
        modelWeightBuiltin = try p.double("weight_model_builtin", range: 0...10) ?? 0.25
        modelWeightOpenAI = try p.double("weight_model_openai", range: 0...10) ?? 1
    }
}
