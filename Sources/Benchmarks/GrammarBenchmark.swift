import Decoder
import Foundation
import Pipeline

/// `lwdata bench grammar`: decode speed of the built-in decoder with and without the plan's
/// JSON-schema grammar, and the plans the model wrote under it.
///
/// For each instruction and seed, the plan prompt is decoded once under the grammar and once
/// as free text of exactly as many tokens (same prompt, seed and sampling settings), so both
/// decode the same number of tokens at the same positions; the two runs alternate, so a noisy
/// machine slows both alike. A third run decodes the same number of tokens greedily: the
/// difference from the second is what sampling costs on free text, where far more tokens are
/// candidates than under the grammar. The grammar's own work per token (masking the logits,
/// advancing the state) is also timed alone, by replaying the plans' tokens through it.
public struct GrammarBenchmark: Sendable {
    public init() {}

    /// Three writing requests of different kinds, the same on every run.
    static let instructions = [
        "Write a travel guide to Kyoto for a first-time visitor, covering temples, food, seasons and etiquette.",
        "Write a report on how small cities can reduce traffic congestion, with examples from Europe and Asia.",
        "Write a short story about a lighthouse keeper who finds a message in a bottle.",
    ]

    /// GGUF model (default: LWDATA_MODEL, then the installed default model).
    public var model: String?

    /// Plan prompt template (slots {{instruction}} and {{words}}).
    public var prompt = "pipelines/prompts/plan_json.txt"

    /// Required length in words the plans are asked for.
    public var words = 4000

    /// Seeds per instruction (1, 2, …).
    public var seeds = 3

    /// Most tokens of a constrained plan.
    public var maxTokens = 800

    /// Sampling temperature (the plan stage's default).
    public var temperature: Float = 0.7

    /// Write the figures and plans as JSON to this file.
    public var json: String?

    /// Checks the settings before anything runs.
    public func validate() throws {
        guard words >= 200 else { throw BenchmarkError.invalid("--words must be at least 200") }
        guard seeds > 0, maxTokens > 0 else { throw BenchmarkError.invalid("--seeds and --max-tokens must be positive") }
    }

    /// Tokens and decode seconds summed over runs.
    struct Tally {
        var tokens = 0
        var seconds = 0.0
        var rate: Double { seconds > 0 ? Double(tokens) / seconds : 0 }

        mutating func add(_ result: GenerationResult) {
            tokens += result.completionTokens
            seconds += result.decodeSeconds
        }
    }

    /// Runs the benchmark: figures as lines to `console`, JSON to `json` when set.
    public func run(console: BenchmarkConsole) throws {
        let path = try ModelLocator.existingModelPath(model)
        let languageModel = try LanguageModel(path: path)
        console.note("loaded \(languageModel.description) from \(path)")
        let template = try PromptTemplate(file: prompt)
        // The plan stage's bounds for `words` words: one paragraph per 1,000 to 300 words.
        let minParagraphs = max(2, Int((Double(words) / 1000).rounded(.up)))
        let format = ResponseFormat.agentWritePlan(minParagraphs: minParagraphs,
                                                   maxParagraphs: min(50, max(minParagraphs, words / 300)),
                                                   maxMainPointLength: 160)
        let compileStart = Date()
        _ = try languageModel.grammar(for: format)
        let compileSeconds = Date().timeIntervalSince(compileStart)

        /// Under the grammar (no `count`), or free text of exactly `count` tokens.
        func sampling(seed: UInt64, exactly count: Int? = nil, greedy: Bool = false) -> SamplingParameters {
            SamplingParameters(temperature: greedy ? 0 : temperature, topP: 0.95, seed: seed, maxTokens: count ?? maxTokens,
                               minTokens: count ?? 0, responseFormat: count == nil ? format : .text)
        }
        let conversations = try Self.instructions.map { try template.render(["instruction": $0, "words": String(words)]) }
        let cold = try languageModel.generate(conversations[0], parameters: sampling(seed: 0))

        var constrained = Tally(), free = Tally(), greedy = Tally()
        var plans: [String] = []
        var pairSlowdowns: [Double] = []
        var grammarNanoseconds: UInt64 = 0
        var coldNanoseconds: UInt64 = 0, coldTightNanoseconds: UInt64 = 0
        for (index, messages) in conversations.enumerated() {
            for seed in 1 ... UInt64(seeds) {
                let plan = try languageModel.generate(messages, parameters: sampling(seed: seed))
                let text = try languageModel.generate(messages, parameters: sampling(seed: seed, exactly: plan.completionTokens))
                let greedyText = try languageModel.generate(messages, parameters: sampling(seed: seed, exactly: plan.completionTokens,
                                                                                             greedy: true))
                constrained.add(plan)
                free.add(text)
                greedy.add(greedyText)
                let planRate = Double(plan.completionTokens) / plan.decodeSeconds
                let textRate = Double(text.completionTokens) / text.decodeSeconds
                pairSlowdowns.append((1 - planRate / textRate) * 100)
                grammarNanoseconds += try Self.grammarWork(languageModel, format: format, tokens: plan.tokens, maxTokens: maxTokens)
                coldNanoseconds += try Self.grammarWork(languageModel, format: format, tokens: plan.tokens, maxTokens: nil, cold: true)
                coldTightNanoseconds += try Self.grammarWork(languageModel, format: format, tokens: plan.tokens,
                                                             maxTokens: plan.completionTokens, cold: true)
                if seed == 1 { plans.append(plan.text) }
                console.note(String(format: "instruction %d seed %d: %d tokens, %.1f tokens/s with the grammar, %.1f without",
                                     index + 1, seed, plan.completionTokens, planRate, textRate))
            }
        }

        let slowdown = (1 - constrained.rate / free.rate) * 100
        pairSlowdowns.sort()
        let medianSlowdown = pairSlowdowns[pairSlowdowns.count / 2]
        let grammarMicroseconds = Double(grammarNanoseconds) / 1000 / Double(constrained.tokens)
        let coldMicroseconds = Double(coldNanoseconds) / 1000 / Double(constrained.tokens)
        let coldTightMicroseconds = Double(coldTightNanoseconds) / 1000 / Double(constrained.tokens)
        let grammarShare = grammarMicroseconds / (1e6 / free.rate) * 100
        console.out(String(format: "grammar compiled in %.2f s; cold first run %.1f tokens/s (%d tokens)",
                           compileSeconds, Double(cold.completionTokens) / cold.decodeSeconds, cold.completionTokens))
        console.out(String(format: "%d runs each, %d tokens: %.1f tokens/s with the plan grammar, %.1f without: %.1f%% slower",
                           pairSlowdowns.count, constrained.tokens, constrained.rate, free.rate, slowdown))
        console.out(String(format: "per run: median %.1f%% slower (from %.1f%% to %.1f%%)",
                           medianSlowdown, pairSlowdowns.first!, pairSlowdowns.last!))
        console.out(String(format: "free text decoded greedily: %.1f tokens/s", greedy.rate))
        console.out(String(format: "grammar work alone: %.0f µs per token, %.1f%% of a free decode step",
                           grammarMicroseconds, grammarShare))
        console.out(String(format: "grammar work on a fresh grammar: %.0f µs per token without a budget, %.0f µs with each plan's own length as the budget",
                           coldMicroseconds, coldTightMicroseconds))
        for (instruction, plan) in zip(Self.instructions, plans) {
            console.out("\nplan for: \(instruction)\n\(plan)")
        }
        if let json {
            let figures: JSONValue = [
                "benchmark": "grammar",
                "model": .string(languageModel.description),
                "words": .int(words),
                "runs": .int(pairSlowdowns.count),
                "tokens": .int(constrained.tokens),
                "grammar_compile_seconds": .double(compileSeconds),
                "cold_tokens_per_s": .double(Double(cold.completionTokens) / cold.decodeSeconds),
                "grammar_tokens_per_s": .double(constrained.rate),
                "free_tokens_per_s": .double(free.rate),
                "free_greedy_tokens_per_s": .double(greedy.rate),
                "slowdown_percent": .double(slowdown),
                "run_slowdown_percent": .array(pairSlowdowns.map(JSONValue.double)),
                "grammar_microseconds_per_token": .double(grammarMicroseconds),
                "grammar_share_of_free_step_percent": .double(grammarShare),
                "cold_grammar_microseconds_per_token": .double(coldMicroseconds),
                "cold_tight_budget_grammar_microseconds_per_token": .double(coldTightMicroseconds),
                "plans": .array(zip(Self.instructions, plans).map { ["instruction": .string($0), "plan": .string($1)] }),
            ]
            try Data(figures.serialized()).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Nanoseconds the grammar spends on `tokens` as the decode loop uses it: mask a fresh
    /// logits row for the tokens left of `maxTokens` (no budget: nil), advance the state, check
    /// whether it is finished. `cold`: on a grammar compiled afresh, so that every mask is computed.
    static func grammarWork(_ model: LanguageModel, format: ResponseFormat, tokens: [Int32], maxTokens: Int?,
                            cold: Bool = false) throws -> UInt64 {
        let grammar = try cold ? TokenGrammar(format: format, tokenizer: model.tokenizer, stopTokens: model.endTokens)
                               : model.grammar(for: format)
        guard let grammar else { return 0 }
        var logits = [Float](repeating: 0, count: model.model.configuration.vocabularySize)
        var state = grammar.initialState
        var elapsed: UInt64 = 0
        for (index, token) in tokens.enumerated() {
            logits.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            let start = DispatchTime.now().uptimeNanoseconds
            try logits.withUnsafeMutableBufferPointer { try grammar.apply(state, remainingTokens: maxTokens.map { $0 - index } ?? Int.max, to: $0) }
            guard let next = try grammar.advance(state, token: token) else { break }
            _ = try grammar.isFinished(next)
            elapsed += DispatchTime.now().uptimeNanoseconds - start
            state = next
        }
        return elapsed
    }
}
