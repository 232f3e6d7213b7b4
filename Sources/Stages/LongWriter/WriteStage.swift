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
/// back empty or caught in a repetition loop; a failure message never enters the text. With the
/// sentence encoder, each section is scored against the instruction and its plan point
/// (`SectionRelevance`), and one scoring below `min_section_relevance` is rewritten by best-of-N
/// (`BestOfN`); the scores of every candidate are kept in `write_meta.steps`.
public struct WriteStage: MapStage {
    public static let kind = "write"
    public static let callsModel = true
    public static let selectable = true
    /// 2: with the encoder, the cleaner also drops the sentences the task-talk classifier flags.
    public static let logicVersion = 2
    public let name: String
    public let settings: WriteSettings
    private let encoderWarning = RelevanceAvailability()

    public init(name: String, settings: WriteSettings) {
        self.name = name
        self.settings = settings
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
        let caller = try ModelCaller(context, stage: name)
        let scorer = try encoderWarning.scorer(settings.relevance, instruction: query, stage: name, context: context)
        let bestOfN = scorer.map { BestOfN(caller: caller, scorer: $0, settings: settings.relevance) }
        let model = caller.model
        let prompt = settings.prompt, sampling = settings.sampling
        let cjk = ["zh", "ja", "ko"].contains(record["language"]?.string ?? "")
        let perUnit = cjk ? settings.tokensPerCJKCharacter : settings.tokensPerWord
        let planText = plan.enumerated().map { "Paragraph \($0 + 1) - Main Point: \($1.mainPoint) - Word Count: \($1.wordCount) words" }
            .joined(separator: "\n")
        let budget = ContextBudget(contextTokens: min(settings.contextTokens ?? model.contextTokens, model.contextTokens),
                                   countTokens: model.countTokens)
        let progress = context.progress[name]
        progress?.plan(units: plan.count, named: "sections")
        var paragraphs: [String] = []
        var steps: [JSONValue] = []
        var promptTokens = 0, completionTokens = 0
        var seconds = 0.0
        var contextCuts = 0
        // Tokens per word as this model actually writes: starts from the configured guess and
        // follows what the steps so far produced, so that each step's budget lands near its length.
        var writtenTokens = 0.0, writtenWords = 0.0
        func account(_ output: GenerationOutput) {
            promptTokens += output.promptTokens
            completionTokens += output.completionTokens
            seconds += output.seconds
            let rawWords = LengthCounter.count(output.text)
            if rawWords > 0 {
                writtenTokens += Double(output.completionTokens)
                writtenWords += Double(rawWords)
            }
        }
        var rewritten = 0
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
            let previous = paragraphs.joined(separator: "\n\n")
            // With the encoder (relevance on), the cleaner also drops what the task-talk classifier flags.
            let clean = { StepCleaner.clean($0, previous: previous, instructions: prompt.literalText, embedder: scorer?.embedder) }
            let passes = { (cleaned: StepCleaner.Result) -> Bool in
                let words = LengthCounter.count(cleaned.text)
                return words >= step.wordCount / 3 && !(cleaned.looped && words < step.wordCount / 2)
            }
            var accepted: StepCleaner.Result?
            var attemptsUsed = 0
            for attempt in 0...settings.retries {
                attemptsUsed = attempt + 1
                let parameters = sampling.parameters(maxTokens: maxTokens, minTokens: minTokens,
                                                     seed: ModelStageSupport.seed(name, record.id, String(index), String(attempt)))
                let output = try await caller.generate(messages, parameters)
                account(output)
                let cleaned = clean(output.text)
                if passes(cleaned) {
                    accepted = cleaned
                    break
                }
            }
            guard var accepted else {
                return .rejected(id: record.id, Rejection(reason: "step_failed",
                                                          detail: "step \(index + 1) came back empty or looping \(settings.retries + 1) times",
                                                          extra: ["query": .string(query), "steps_done": .int(index)]))
            }
            var stepMeta: [String: JSONValue] = [:]
            if let bestOfN {
                let (stage, id) = (name, record.id)
                let outcome = try await bestOfN.choose(
                    draft: accepted, point: step.mainPoint, messages: messages,
                    parameters: { k in sampling.parameters(maxTokens: maxTokens, minTokens: minTokens,
                                                           seed: ModelStageSupport.seed(stage, id, String(index), "best-of", String(k))) },
                    clean: clean, passes: passes)
                outcome.outputs.forEach(account)
                accepted = outcome.kept.cleaned
                stepMeta["relevance"] = outcome.kept.relevance.json
                if outcome.candidates.count > 1 {
                    rewritten += 1
                    stepMeta["candidates"] = .array(outcome.candidates.map(\.json))
                    stepMeta["chosen"] = .int(outcome.keptIndex)
                }
            }
            paragraphs.append(accepted.text)
            progress?.finishUnit()
            stepMeta.merge(["words": .int(LengthCounter.count(accepted.text)), "planned_words": .int(step.wordCount),
                            "attempts": .int(attemptsUsed), "looped": .bool(accepted.looped)]) { a, _ in a }
            steps.append(.object(stepMeta))
        }
        var out = record
        out["kind"] = "written"
        out["response"] = .string(paragraphs.joined(separator: "\n\n"))
        var meta: [String: JSONValue] = [
            "steps": .array(steps), "prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens),
            "seconds": .double((seconds * 10).rounded() / 10), "context_cuts": .int(contextCuts),
            "prompt_hash": .string(prompt.hash), "model": .string(model.identity)]
        if let scorer {
            meta["relevance"] = ["encoder": .string(scorer.embedder.identity), "min_section": .double(settings.relevance.minSection),
                                 "best_of": .int(settings.relevance.bestOf), "rewritten_steps": .int(rewritten)]
        }
        out["write_meta"] = .object(meta)
        return .records([out])
    }
}

/// Parameters of the `write` stage.
public struct WriteSettings: StageSettings {
    public static let keys = ["prompt", "retries", "tokens_per_word", "tokens_per_cjk_character", "context_tokens"] + SamplingSettings.keys
        + WriteRelevanceSettings.keys
    let prompt: PromptTemplate
    let retries: Int
    /// First guess of tokens per written word (then follows what the model writes).
    let tokensPerWord: Double
    let tokensPerCJKCharacter: Double
    /// Cap on a step's prompt plus answer, below the model's context.
    let contextTokens: Int?
    let sampling: SamplingSettings
    /// Section relevance and best-of-N rewriting.
    let relevance: WriteRelevanceSettings

    public var usesEncoder: Bool { relevance.scores }

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        prompt = try ModelStageSupport.prompt(p, key: "prompt", default: "prompts/write.txt", pipelineDirectory: pipeline.directory)
        retries = try p.int("retries", range: 0...10) ?? 2
        sampling = try SamplingSettings(p, temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1)
        tokensPerWord = try p.double("tokens_per_word", range: 0.5...5) ?? 1.4
        tokensPerCJKCharacter = try p.double("tokens_per_cjk_character", range: 0.3...5) ?? 1.2
        contextTokens = try p.int("context_tokens", range: 512...1_048_576)
        relevance = try WriteRelevanceSettings(p)
    }

    private enum CodingKeys: String, CodingKey {
        case prompt, retries, tokensPerWord, tokensPerCJKCharacter, contextTokens, sampling, relevance
    }

    /// As the synthesised encoding, but `relevance` only while it scores: with it off the stage
    /// writes what it wrote before relevance existed, so its config hash (and the finished items of
    /// earlier builds) stays as it was.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(retries, forKey: .retries)
        try container.encode(tokensPerWord, forKey: .tokensPerWord)
        try container.encode(tokensPerCJKCharacter, forKey: .tokensPerCJKCharacter)
        try container.encodeIfPresent(contextTokens, forKey: .contextTokens)
        try container.encode(sampling, forKey: .sampling)
        if relevance.scores { try container.encode(relevance, forKey: .relevance) }
    }
}
