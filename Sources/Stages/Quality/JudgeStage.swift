import Foundation
import Generation
import Pipeline

/// Stage `judge`: LongBench-Write's six quality dimensions (relevance, accuracy, coherence,
/// clarity, breadth and depth, reading experience), each an integer 1–5, for every segment of a
/// long answer. The judge writes a short analysis first and then the scores, decoded under a JSON
/// Schema so the answer always parses. Segments are whole paragraphs of about `segment_words`
/// words; each prompt holds the instruction, the plan points the segment was written for, a short
/// extract of what came before, and the segment. The record keeps every segment's scores
/// (`quality.segments`: quality along the output) and their mean weighted by words;
/// S_q = (mean − 1) · 25 on 0–100. Length is not judged (S_l does that).
///
/// The stage may have its own `model:` (write with one model, judge with another). With
/// `min_quality` > 0, a record whose S_q is below it is rejected as `low_quality` with its scores.
public struct JudgeStage: MapStage {
    public static let kind = "judge"
    public static let callsModel = true
    public static let selectable = true
    public static let logicVersion = 1
    public let name: String
    public let settings: JudgeSettings

    /// The dimensions, in the order the judge writes them.
    public static let dimensions = ["relevance", "accuracy", "coherence", "clarity", "breadth_and_depth", "reading_experience"]

    public init(name: String, settings: JudgeSettings) {
        self.name = name
        self.settings = settings
    }

    /// The JSON Schema of one judgement: the analysis first, then the six scores.
    static var schema: String {
        let scores = dimensions.map { #""\#($0)":{"type":"integer","minimum":1,"maximum":5}"# }.joined(separator: ",")
        let required = (["analysis"] + dimensions).map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"type":"object","properties":{"analysis":{"type":"string","minLength":1,"maxLength":\#(JudgeSettings.analysisMaxLength)},\#(scores)},"required":[\#(required)]}"#
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, settings.instructionField, stage: name)
        let response = try ModelStageSupport.string(record, settings.responseField, stage: name)
        let model = try ModelCaller(context, stage: name)
        let steps: [(point: String, words: Int)] = zip(record["plan"]?.array ?? [], record["write_meta"]?["steps"]?.array ?? []).compactMap {
            guard let point = $0["main_point"]?.string, let words = $1["words"]?.int else { return nil }
            return (point, words)
        }
        let segments = AnswerSegmenter.segments(response, maxWords: settings.segmentWords, steps: steps)
        let progress = context.progress[name]
        progress?.plan(units: segments.count, named: "segments")
        var judged: [JSONValue] = []
        var sums = [Double](repeating: 0, count: Self.dimensions.count)
        var weight = 0.0
        var failures = 0
        for (index, segment) in segments.enumerated() {
            let slots = ["instruction": query, "segment": segment.text, "before": segment.before,
                         "plan_point": segment.planPoints.isEmpty ? "its part of the request" : segment.planPoints.joined(separator: "; "),
                         "position": segments.count == 1 ? "the whole" : "part \(index + 1) of \(segments.count)"]
            let messages = try settings.prompt.render(slots)
            var verdict: Judgement?
            var raw = ""
            for attempt in 0...settings.retries where verdict == nil {
                let parameters = settings.sampling.parameters(maxTokens: settings.maxTokens,
                                                              seed: ModelStageSupport.seed(name, record.id, String(index), String(attempt)),
                                                              format: .jsonSchema(name: "judgement", schema: Self.schema))
                raw = try await model.generate(messages, parameters).text
                verdict = Judgement(parsing: raw)
            }
            var entry: [String: JSONValue] = ["start_word": .int(segment.startWord), "words": .int(segment.words)]
            if !segment.planPoints.isEmpty { entry["plan_points"] = .array(segment.planPoints.map(JSONValue.string)) }
            if let verdict {
                for (i, score) in verdict.scores.enumerated() {
                    entry[Self.dimensions[i]] = .int(score)
                    sums[i] += Double(score) * Double(max(segment.words, 1))
                }
                weight += Double(max(segment.words, 1))
                entry["s_q"] = .double(Self.round(verdict.qualityScore))
                entry["analysis"] = .string(verdict.analysis)
            } else {
                failures += 1
                entry["error"] = .string("the judge's answer did not parse after \(settings.retries + 1) attempts")
                entry["raw"] = .string(String(raw.prefix(500)))
            }
            judged.append(.object(entry))
            progress?.finishUnit()
        }
        var quality: [String: JSONValue] = ["segments": .array(judged), "judge": .string(model.model.identity),
                                            "prompt_hash": .string(settings.prompt.hash)]
        if weight > 0 {
            let means = sums.map { $0 / weight }
            for (i, dimension) in Self.dimensions.enumerated() { quality[dimension] = .double(Self.round(means[i])) }
            let sq = (means.reduce(0, +) / Double(means.count) - 1) * 25
            quality["s_q"] = .double(Self.round(sq))
            if settings.minQuality > 0 && sq < settings.minQuality {
                return .rejected(id: record.id, Rejection(
                    reason: "low_quality", detail: String(format: "quality S_q %.1f, below %.1f", sq, settings.minQuality),
                    extra: ["query": .string(query), "quality": .object(quality), "value": .double(Self.round(sq)),
                            "threshold": .double(settings.minQuality)]))
            }
        }
        if failures > 0 { quality["unjudged_segments"] = .int(failures) }
        var out = record
        out["quality"] = .object(quality)
        return .records([out])
    }

    static func round(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}

/// One parsed judgement: the analysis and six scores 1–5.
struct Judgement: Equatable {
    var analysis: String
    var scores: [Int]

    /// S_q of this judgement: (mean − 1) · 25.
    var qualityScore: Double { (Double(scores.reduce(0, +)) / Double(scores.count) - 1) * 25 }

    /// Reads the judge's JSON answer; nil when it is not a complete judgement.
    init?(parsing text: String) {
        guard let value = try? JSONValue.parse(Array(text.utf8)), case .object(let object) = value else { return nil }
        var scores: [Int] = []
        for dimension in JudgeStage.dimensions {
            guard let score = object[dimension]?.int, (1...5).contains(score) else { return nil }
            scores.append(score)
        }
        self.scores = scores
        analysis = object["analysis"]?.string ?? ""
    }
}

/// Parameters of the `judge` stage.
public struct JudgeSettings: StageSettings {
    public static let keys = ["prompt", "segment_words", "max_tokens", "min_quality", "retries", "instruction_field", "response_field"]
        + SamplingSettings.keys
    /// Longest analysis the schema allows, in characters.
    static let analysisMaxLength = 400
    let prompt: PromptTemplate
    /// Words a segment holds at most (whole paragraphs; a single longer paragraph is its own segment).
    let segmentWords: Int
    /// Token budget of one judgement.
    let maxTokens: Int
    /// Records with S_q below this are rejected (0: keep all).
    let minQuality: Double
    let retries: Int
    let instructionField: String
    let responseField: String
    let sampling: SamplingSettings

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        prompt = try ModelStageSupport.prompt(p, key: "prompt", default: "prompts/judge.txt", pipelineDirectory: pipeline.directory)
        segmentWords = try p.int("segment_words", range: 100...100_000) ?? 1000
        maxTokens = try p.int("max_tokens", range: 64...8192) ?? 600
        minQuality = try p.double("min_quality", range: 0...100) ?? 0
        retries = try p.int("retries", range: 0...10) ?? 1
        instructionField = try p.string("instruction_field") ?? "query"
        responseField = try p.string("response_field") ?? "response"
        sampling = try SamplingSettings(p, temperature: 0, topP: 1)
    }
}
