import Digest
import Foundation
import Generation
import Pipeline
import Messages

/// Stage `write` (AgentWrite step II): writes the plan's paragraphs in order. Each prompt holds
/// the instruction, the plan, the text so far (fitted to the context budget) and the current
/// step; `context_tokens` caps that prompt below the model's context (a small model gains little
/// from a long window, and a short one is much faster). Each step's token budget comes from its
/// word count; the built-in decoder is kept from
/// ending a step long before its budget. Each output is cleaned, and asked again when it comes
/// back empty or caught in a repetition loop; a failure message never enters the text.
public struct WriteStage: TransformStage {
    public let name: String
    public let kind = "write"
    public let concurrency: Int
    let prompt: PromptTemplate
    let retries: Int
    let sampling: SamplingSettings
    let tokensPerWord: Double
    let tokensPerCJKCharacter: Double
    let contextTokens: Int?
    let modelIdentity: String
    public var configHash: String {
        ContentHash.of(kind, prompt.hash, String(retries), sampling.canonical, "\(tokensPerWord)", "\(tokensPerCJKCharacter)", String(contextTokens ?? 0), modelIdentity)
    }

    public static let keys = ["prompt", "retries", "tokens_per_word", "tokens_per_cjk_character", "context_tokens"] + SamplingSettings.keys

    public init(_ config: StageConfig, pipeline: PipelineConfig, modelIdentity: String) throws {
        let p = try config.params.restricted(to: Self.keys)
        name = config.name
        concurrency = config.concurrency
        prompt = try ModelStageSupport.prompt(p, key: "prompt", default: "prompts/write.txt", pipelineDirectory: pipeline.directory)
        retries = try p.int("retries", range: 0...10) ?? 2
        sampling = try SamplingSettings(p, temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1)
        tokensPerWord = try p.double("tokens_per_word", range: 0.5...5) ?? 1.4
        tokensPerCJKCharacter = try p.double("tokens_per_cjk_character", range: 0.3...5) ?? 1.2
        contextTokens = try p.int("context_tokens", range: 512...1_048_576)
        self.modelIdentity = modelIdentity
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        guard let planValues = record["plan"]?.array, !planValues.isEmpty else {
            throw PipelineError.stage(name: name, message: "record \(record.id) has no plan; run plan first")
        }
        let plan = planValues.compactMap { v -> PlanStep? in
            guard let point = v["main_point"]?.string, let words = v["word_count"]?.int else { return nil }
            return PlanStep(mainPoint: point, wordCount: words)
        }
        let model = try ModelStageSupport.model(context, stage: name)
        let generator = model.generator(forStage: name)
        let cjk = ["zh", "ja", "ko"].contains(record["language"]?.string ?? "")
        let perUnit = cjk ? tokensPerCJKCharacter : tokensPerWord
        let planText = plan.enumerated().map { "Paragraph \($0 + 1) - Main Point: \($1.mainPoint) - Word Count: \($1.wordCount) words" }
            .joined(separator: "\n")
        let budget = ContextBudget(contextTokens: min(contextTokens ?? model.contextTokens, model.contextTokens),
                                   countTokens: model.countTokens)
        var paragraphs: [String] = []
        var steps: [JSONValue] = []
        var promptTokens = 0, completionTokens = 0
        var seconds = 0.0
        var contextCuts = 0
        // Tokens per word as this model actually writes: starts from the configured guess and
        // follows what the steps so far produced, so that each step's budget lands near its length.
        var writtenTokens = 0.0, writtenWords = 0.0
        for (index, step) in plan.enumerated() {
            let stepLine = "Paragraph \(index + 1) - Main Point: \(step.mainPoint) - Word Count: \(step.wordCount) words"
            let ratio = writtenWords > 100 ? min(max(writtenTokens / writtenWords, perUnit * 0.5), perUnit * 2) : perUnit
            let maxTokens = Int(Double(step.wordCount) * ratio * 1.15) + 16
            let minTokens = Int(Double(step.wordCount) * ratio * 0.85)
            let skeleton = try prompt.render(["instruction": query, "plan": planText, "text": "", "step": stepLine])
            let fixed = model.countTokens(skeleton.map(\.content).joined(separator: "\n")) + 16 * skeleton.count
            let fitted: (text: String, cut: Bool)
            do {
                fitted = try budget.fit(paragraphs: paragraphs, coveredPoints: plan.prefix(index).map(\.mainPoint),
                                        fixedTokens: fixed, answerTokens: maxTokens)
            } catch {
                return .rejected(id: record.id, Rejection(reason: "context_overflow", detail: "step \(index + 1): \(error)",
                                                          extra: ["query": .string(query)]))
            }
            if fitted.cut { contextCuts += 1 }
            let messages = try prompt.render(["instruction": query, "plan": planText,
                                              "text": fitted.text.isEmpty ? "(nothing written yet)" : fitted.text, "step": stepLine])
            var accepted: StepCleaner.Result?
            var attemptsUsed = 0
            for attempt in 0...retries {
                attemptsUsed = attempt + 1
                let parameters = GenerationParameters(temperature: sampling.temperature, topP: sampling.topP,
                                                      repetitionPenalty: sampling.repetitionPenalty, maxTokens: maxTokens,
                                                      minTokens: minTokens, seed: ModelStageSupport.seed(name, record.id, String(index), String(attempt)))
                let output = try await generator.generate(messages, parameters: parameters)
                if output.finishReason == .error { throw PipelineError.stage(name: name, message: output.error ?? "generation failed") }
                promptTokens += output.promptTokens
                completionTokens += output.completionTokens
                seconds += output.seconds
                let cleaned = StepCleaner.clean(output.text, previous: paragraphs.joined(separator: "\n\n"),
                                                instructions: prompt.literalText)
                let words = LengthCounter.count(cleaned.text)
                let rawWords = LengthCounter.count(output.text)
                if rawWords > 0 {
                    writtenTokens += Double(output.completionTokens)
                    writtenWords += Double(rawWords)
                }
                if words >= step.wordCount / 3 && !(cleaned.looped && words < step.wordCount / 2) {
                    accepted = cleaned
                    break
                }
            }
            guard let accepted else {
                return .rejected(id: record.id, Rejection(reason: "step_failed",
                                                          detail: "step \(index + 1) came back empty or looping \(retries + 1) times",
                                                          extra: ["query": .string(query), "steps_done": .int(index)]))
            }
            paragraphs.append(accepted.text)
            steps.append(["words": .int(LengthCounter.count(accepted.text)), "planned_words": .int(step.wordCount),
                          "attempts": .int(attemptsUsed), "looped": .bool(accepted.looped)])
        }
        var out = record
        out["kind"] = "written"
        out["response"] = .string(paragraphs.joined(separator: "\n\n"))
        out["write_meta"] = ["steps": .array(steps), "prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens),
                             "seconds": .double((seconds * 10).rounded() / 10), "context_cuts": .int(contextCuts),
                             "prompt_hash": .string(prompt.hash), "model": .string(modelIdentity)]
        return .records([out])
    }
}
