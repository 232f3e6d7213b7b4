import Digest
import Foundation
import Generation
import Pipeline
import Messages

/// Stage `plan` (AgentWrite step I): breaks the instruction into paragraphs, each a main point
/// and a word count (200–1,000) summing to the required length. With `format: json` (default)
/// the plan is asked for as JSON under a schema, which the built-in decoder enforces while
/// decoding; `format: lines` asks for `Paragraph N - Main Point: … - Word Count: N words` lines
/// for models that follow them. Plans are validated and repaired, or asked again.
public struct PlanStage: TransformStage {
    public let name: String
    public let kind = "plan"
    public let concurrency: Int
    let prompt: PromptTemplate
    let format: String
    let retries: Int
    let sampling: SamplingSettings
    let modelIdentity: String
    let validator = PlanValidator()
    public var configHash: String { ContentHash.of(kind, prompt.hash, format, String(retries), sampling.canonical, modelIdentity) }

    public static let keys = ["prompt", "format", "retries"] + SamplingSettings.keys

    public init(_ config: StageConfig, pipeline: PipelineConfig, modelIdentity: String) throws {
        let p = try config.params.restricted(to: Self.keys)
        name = config.name
        concurrency = config.concurrency
        format = try p.string("format") ?? "json"
        guard ["json", "lines"].contains(format) else { throw p.document.error(p.sub("format"), "expected json or lines, found '\(format)'") }
        prompt = try ModelStageSupport.prompt(p, key: "prompt", default: format == "json" ? "prompts/plan_json.txt" : "prompts/plan_lines.txt",
                                              pipelineDirectory: pipeline.directory)
        retries = try p.int("retries", range: 0...10) ?? 2
        sampling = try SamplingSettings(p, temperature: 0.7)
        self.modelIdentity = modelIdentity
    }

    /// The JSON Schema of a plan for a required length.
    static func schema(required: Int) -> String {
        let minItems = max(2, Int((Double(required) / 1000).rounded(.up)))
        let maxItems = min(50, max(minItems, required / 300))
        return #"{"type":"object","properties":{"paragraphs":{"type":"array","minItems":\#(minItems),"maxItems":\#(maxItems),"items":{"type":"object","properties":{"main_point":{"type":"string","minLength":10,"maxLength":160},"word_count":{"type":"integer","minimum":200,"maximum":1000}},"required":["main_point","word_count"]}}},"required":["paragraphs"]}"#
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        guard let required = record["length"]?["required_words"]?.int else {
            throw PipelineError.stage(name: name, message: "record \(record.id) has no length.required_words; run predict-length first")
        }
        let model = try ModelStageSupport.model(context, stage: name)
        let generator = model.generator(forStage: name)
        let messages = try prompt.render(["instruction": query, "words": String(required)])
        let responseFormat: OutputFormat = format == "json" ? .jsonSchema(name: "plan", schema: Self.schema(required: required)) : .text
        var attempts: [JSONValue] = []
        for attempt in 0...retries {
            let parameters = GenerationParameters(temperature: sampling.temperature, topP: sampling.topP,
                                                  repetitionPenalty: sampling.repetitionPenalty, maxTokens: 2000,
                                                  seed: ModelStageSupport.seed(name, record.id, String(attempt)),
                                                  responseFormat: responseFormat)
            let output = try await generator.generate(messages, parameters: parameters)
            if output.finishReason == .error { throw PipelineError.stage(name: name, message: output.error ?? "generation failed") }
            let parsed = PlanParser.parse(output.text)
            let problems = validator.problems(parsed, required: required)
            attempts.append(["raw": .string(output.text), "problems": .array(problems.map(JSONValue.string)),
                             "finish_reason": .string(output.finishReason.rawValue)])
            guard let plan = problems.isEmpty ? parsed : validator.repair(parsed, required: required) else { continue }
            var out = record
            out["kind"] = "plan"
            out["plan"] = .array(plan.map { ["main_point": .string($0.mainPoint), "word_count": .int($0.wordCount)] })
            out["plan_meta"] = ["attempts": .int(attempt + 1), "repaired": .bool(!problems.isEmpty),
                                "model_steps": .int(parsed.count), "format": .string(format)]
            return .records([out])
        }
        return .rejected(id: record.id, Rejection(reason: "unusable_plan",
                                                  detail: "no valid or repairable plan after \(retries + 1) attempts",
                                                  extra: ["query": .string(query), "attempts": .array(attempts)]))
    }
}
