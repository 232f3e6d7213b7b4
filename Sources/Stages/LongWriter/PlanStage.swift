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
public struct PlanStage: MapStage {
    public static let kind = "plan"
    public static let callsModel = true
    public static let selectable = true
    public static let logicVersion = 1
    public let name: String
    public let settings: PlanSettings
    let validator = PlanValidator()

    public init(name: String, settings: PlanSettings) {
        self.name = name
        self.settings = settings
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        guard let required = record["length"]?["required_words"]?.int else {
            throw PipelineError.stage(name: name, message: "record \(record.id) has no length.required_words; run predict-length first")
        }
        let model = try ModelCaller(context, stage: name)
        let messages = try settings.prompt.render(["instruction": query, "words": String(required)])
        let responseFormat: OutputFormat = settings.format == "json" ? .jsonSchema(name: "plan", schema: PlanSchema.json(required: required)) : .text
        var attempts: [JSONValue] = []
        for attempt in 0...settings.retries {
            let parameters = settings.sampling.parameters(maxTokens: settings.maxTokens, seed: ModelStageSupport.seed(name, record.id, String(attempt)),
                                                          format: responseFormat)
            let output = try await model.generate(messages, parameters)
            let parsed = PlanParser.parse(output.text)
            let problems = validator.problems(parsed, required: required)
            attempts.append(["raw": .string(output.text), "problems": .array(problems.map(JSONValue.string)),
                             "finish_reason": .string(output.finishReason.rawValue)])
            guard let plan = problems.isEmpty ? parsed : validator.repair(parsed, required: required) else { continue }
            var out = record
            out["kind"] = "plan"
            out["plan"] = .array(plan.map { ["main_point": .string($0.mainPoint), "word_count": .int($0.wordCount)] })
            out["plan_meta"] = ["attempts": .int(attempt + 1), "repaired": .bool(!problems.isEmpty),
                                "model_steps": .int(parsed.count), "format": .string(settings.format)]
            return .records([out])
        }
        return .rejected(id: record.id, Rejection(reason: "unusable_plan",
                                                  detail: "no valid or repairable plan after \(settings.retries + 1) attempts",
                                                  extra: ["query": .string(query), "attempts": .array(attempts)]))
    }
}

/// Parameters of the `plan` stage.
public struct PlanSettings: StageSettings {
    public static let keys = ["prompt", "format", "retries", "max_tokens"] + SamplingSettings.keys
    let prompt: PromptTemplate
    /// `json` (decoded under the plan's JSON Schema) or `lines`.
    let format: String
    let retries: Int
    /// Token budget of one plan answer.
    let maxTokens: Int
    let sampling: SamplingSettings

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        format = try p.string("format") ?? "json"
        guard ["json", "lines"].contains(format) else { throw p.document.error(p.sub("format"), "expected json or lines, found '\(format)'") }
        prompt = try ModelStageSupport.prompt(p, key: "prompt", default: format == "json" ? "prompts/plan_json.txt" : "prompts/plan_lines.txt",
                                              pipelineDirectory: pipeline.directory)
        retries = try p.int("retries", range: 0...10) ?? 2
        maxTokens = try p.int("max_tokens", range: 64...32_768) ?? 2000
        sampling = try SamplingSettings(p, temperature: 0.7)
    }
}
