import Digest
import Foundation
import Generation
import Pipeline
import Messages

/// Stage `lengthen` (Self-Lengthen): a generator writes a first response to the query; an
/// extender then expands it over up to `rounds` rounds, each enriching the first half of the
/// current text and then continuing from it through what the second half covered. A round is
/// kept only when the text grew and passes `LengthenChecks`; the response is accepted only when
/// it reached `settings.growth` times the first response's length (else rejected as
/// `insufficient_growth`). The record keeps the length after each round and which rounds were kept.
public struct LengthenStage: MapStage {
    public static let kind = "lengthen"
    public static let callsModel = true
    public static let selectable = true
    public static let logicVersion = 1
    public let name: String
    public let settings: LengthenSettings
    let tally = LengthenTally()

    public init(name: String, settings: LengthenSettings) {
        self.name = name
        self.settings = settings
    }

    public func summaryLines() -> [String] { tally.lines(stage: name, growth: settings.growth) }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        let caller = try ModelCaller(context, stage: name)
        let model = caller.model
        var call = Caller(caller: caller, sampling: settings.sampling, recordID: record.id)

        var first = ""
        for attempt in 0...settings.retries where first.isEmpty {
            first = try await call.write(settings.generatePrompt, ["query": query], maxTokens: settings.firstMaxTokens, minTokens: 0, purpose: "first-\(attempt)")
        }
        guard !first.isEmpty else {
            tally.add(accepted: false, rounds: 0, kept: 0)
            return .rejected(id: record.id, Rejection(reason: "empty_response", detail: "the first response came back empty \(settings.retries + 1) times",
                                                      extra: ["query": .string(query)]))
        }
        var current = first
        var lengths = [LengthCounter.count(first)]
        var roundLog: [JSONValue] = []
        let progress = context.progress[name]
        progress?.plan(units: settings.rounds, named: "rounds")
        var roundsRun = 0
        // Rounds not run (the text stopped growing, the context filled) count as done.
        defer { for _ in roundsRun..<settings.rounds { progress?.finishUnit() } }
        for round in 1...settings.rounds {
            roundsRun += 1
            progress?.finishUnit()
            let halves = TextHalves.split(current)
            let firstTokens = model.countTokens(halves.first)
            let enriched = try await call.write(settings.enrichPrompt, ["query": query, "text": halves.first],
                                                maxTokens: min(settings.maxTokens, Int(Double(firstTokens) * settings.expansion) + 32), minTokens: firstTokens,
                                                purpose: "enrich-\(round)")
            var continuation = ""
            if !halves.second.isEmpty && !enriched.isEmpty {
                let secondTokens = model.countTokens(halves.second)
                continuation = try await call.write(settings.continuePrompt, ["query": query, "beginning": enriched, "rest": halves.second],
                                                    maxTokens: min(settings.maxTokens, Int(Double(secondTokens) * settings.expansion) + 32), minTokens: secondTokens,
                                                    previous: enriched, purpose: "continue-\(round)")
            }
            if call.contextFull { roundLog.append(["round": .int(round), "kept": false, "reason": "context_full"]); break }
            let candidate = [enriched, continuation].filter { !$0.isEmpty }.joined(separator: "\n\n")
            let failure = settings.checks.failure(of: candidate, previousWords: lengths.last!)
            var entry: [String: JSONValue] = ["round": .int(round), "words": .int(LengthCounter.count(candidate)), "kept": .bool(failure == nil)]
            if let failure { entry["reason"] = .string(failure.rawValue) } else {
                current = candidate
                lengths.append(LengthCounter.count(candidate))
            }
            roundLog.append(.object(entry))
        }
        let kept = lengths.count - 1
        let reached = Double(lengths.last!) / Double(lengths[0])
        let summary: JSONValue = [
            "first_words": .int(lengths[0]), "final_words": .int(lengths.last!), "growth": .double((reached * 100).rounded() / 100),
            "lengths": .array(lengths.map(JSONValue.int)), "rounds": .array(roundLog), "rounds_kept": .int(kept),
            "first_response": .string(first),
        ]
        let accepted = reached >= settings.growth
        tally.add(accepted: accepted, rounds: roundLog.count, kept: kept)
        guard accepted else {
            return .rejected(id: record.id, Rejection(
                reason: "insufficient_growth", detail: String(format: "grew %.2f× over %d kept round(s), needs %.2f×", reached, kept, settings.growth),
                extra: ["query": .string(query), "lengthen": summary, "value": .double((reached * 100).rounded() / 100), "threshold": .double(settings.growth)]))
        }
        var out = record
        out["kind"] = "lengthened"
        out["recipe"] = "self-lengthen"
        out["response"] = .string(current)
        out["lengthen"] = summary
        out["generation"] = [
            "prompt_tokens": .int(call.usage.promptTokens), "completion_tokens": .int(call.usage.completionTokens),
            "seconds": .double((call.usage.seconds * 10).rounded() / 10), "model": .string(model.identity),
            "prompt_hashes": ["generate": .string(settings.generatePrompt.hash), "enrich": .string(settings.enrichPrompt.hash), "continue": .string(settings.continuePrompt.hash)],
        ]
        return .records([out])
    }

    /// Makes the stage's model calls for one record: renders, fits the context, generates, cleans
    /// and counts usage.
    struct Caller {
        let caller: ModelCaller
        let sampling: SamplingSettings
        let recordID: String
        var usage = CallUsage()
        /// A prompt did not fit the model's context with its answer: no further round can.
        var contextFull = false

        /// The cleaned text the model wrote (empty when it wrote nothing usable or the prompt did not fit).
        mutating func write(_ template: PromptTemplate, _ slots: [String: String], maxTokens: Int, minTokens: Int,
                            previous: String = "", purpose: String) async throws -> String {
            let messages = try template.render(slots)
            let model = caller.model
            let promptTokens = model.countTokens(messages.map(\.content).joined(separator: "\n")) + 16 * messages.count
            let budget = min(maxTokens, model.contextTokens - promptTokens)
            guard budget >= 16 else { contextFull = true; return "" }
            let parameters = sampling.parameters(maxTokens: budget, minTokens: min(minTokens, budget * 3 / 4),
                                                 seed: ModelStageSupport.seed(caller.stage, recordID, purpose))
            let output = try await caller.generate(messages, parameters)
            usage.add(output)
            return StepCleaner.clean(output.text, previous: previous).text
        }
    }
}

/// Parameters of the `lengthen` stage.
public struct LengthenSettings: StageSettings {
    public static let keys = ["generate_prompt", "enrich_prompt", "continue_prompt", "rounds", "growth", "first_max_tokens", "max_tokens",
                              "expansion", "retries", "ngram_words", "ngram_cjk_characters"] + SamplingSettings.keys
    let generatePrompt: PromptTemplate
    let enrichPrompt: PromptTemplate
    let continuePrompt: PromptTemplate
    let rounds: Int
    let growth: Double
    let firstMaxTokens: Int
    let maxTokens: Int
    let expansion: Double
    let retries: Int
    let checks: LengthenChecks
    let sampling: SamplingSettings

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        generatePrompt = try ModelStageSupport.prompt(p, key: "generate_prompt", default: "prompts/lengthen_generate.txt", pipelineDirectory: pipeline.directory)
        enrichPrompt = try ModelStageSupport.prompt(p, key: "enrich_prompt", default: "prompts/lengthen_enrich.txt", pipelineDirectory: pipeline.directory)
        continuePrompt = try ModelStageSupport.prompt(p, key: "continue_prompt", default: "prompts/lengthen_continue.txt", pipelineDirectory: pipeline.directory)
        rounds = try p.int("rounds", range: 1...20) ?? 3
        growth = try p.double("growth", range: 1...100) ?? 1.2
        firstMaxTokens = try p.int("first_max_tokens", range: 16...65536) ?? 1024
        maxTokens = try p.int("max_tokens", range: 16...65536) ?? 4096
        expansion = try p.double("expansion", range: 1...10) ?? 2
        retries = try p.int("retries", range: 0...10) ?? 2
        checks = LengthenChecks(ngramWords: try p.int("ngram_words", range: 2...100) ?? 10,
                                ngramCJKCharacters: try p.int("ngram_cjk_characters", range: 2...200) ?? 13)
        sampling = try SamplingSettings(p, temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1)
    }
}
