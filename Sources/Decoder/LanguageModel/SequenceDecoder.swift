import Foundation

/// One generation as a state machine, so that a loop can drive one sequence
/// (`LanguageModel.generate`) or many in one batch (`BatchEngine`): `nextInput` says which
/// tokens to run next, `accept` takes the logits after them, samples, streams the text and
/// says whether the sequence is finished; `result` is the outcome.
final class SequenceDecoder {
    let parameters: SamplingParameters
    let cache: KVCache
    /// Prompt tokens whose keys and values the cache already held (a shared prefix).
    let reused: Int
    private let prompt: [Int32]
    private let maxTokens: Int
    private let grammar: TokenGrammar?
    private var grammarState: GrammarState?
    private let stops: Set<Int32>
    private var sampler: Sampler
    private var matcher: StopStringMatcher
    private var decoder: StreamingDecoder
    private let onText: (String) -> Void
    /// Prompt tokens not yet run.
    private var pending: ArraySlice<Int32>
    private(set) var history: [Int32]
    private var generated: [Int32] = []
    private var reason = StopReason.length
    private var text = ""
    private(set) var isFinished = false
    private let started = Date()
    private var decodeStarted: Date?

    /// Prepares a generation of `prompt` on `model`, taking a cache from `prefixCaches` when one
    /// shares a prefix with the prompt.
    init(model: LanguageModel, prompt: [Int32], parameters p: SamplingParameters, prefixCaches: PrefixCachePool,
         onText: @escaping (String) -> Void) throws {
        guard !prompt.isEmpty else { throw GenerationFailure.emptyPrompt }
        let context = model.contextLength
        guard prompt.count < context else {
            throw GenerationFailure.promptTooLong(promptTokens: prompt.count, maxTokens: p.maxTokens, context: context)
        }
        if let bad = prompt.first(where: { $0 < 0 || Int($0) >= model.model.configuration.vocabularySize }) {
            throw ModelError.tokenOutOfRange(token: bad, vocabularySize: model.model.configuration.vocabularySize)
        }
        parameters = p
        self.prompt = prompt
        maxTokens = min(p.maxTokens, context - prompt.count)
        grammar = try model.grammar(for: p.responseFormat)
        grammarState = grammar?.initialState
        if let grammar, let shortest = try grammar.tokensToComplete(grammar.initialState), shortest > maxTokens {
            throw GenerationFailure.budgetBelowShortestAnswer(maxTokens: p.maxTokens, available: maxTokens, shortest: shortest)
        }
        stops = Set(model.endTokens + p.stopTokens)
        sampler = Sampler(p)
        matcher = StopStringMatcher(p.stopStrings)
        decoder = model.tokenizer.makeStreamingDecoder()
        self.onText = onText
        if let hit = prefixCaches.take(for: prompt) {
            (cache, reused) = hit
        } else {
            cache = try model.model.makeCache(capacity: context)
            reused = 0
        }
        pending = prompt[reused...]
        history = prompt
        if maxTokens < 1 { isFinished = true }
    }

    /// Whether prompt tokens remain to be run.
    var isPrefilling: Bool { !pending.isEmpty }

    /// The tokens to run next: up to `limit` prompt tokens while prefilling, else the last
    /// sampled token; and whether their logits are needed.
    func nextInput(limit: Int) -> SequenceStep {
        if !pending.isEmpty {
            let chunk = pending.prefix(max(1, limit))
            pending = pending.dropFirst(chunk.count)
            return SequenceStep(tokens: Array(chunk), cache: cache, wantsLogits: pending.isEmpty)
        }
        return SequenceStep(tokens: [history.last!], cache: cache)
    }

    /// Samples the next token from `logits` (after the tokens of the last `nextInput`), streams
    /// its text and returns whether the sequence is finished.
    func accept(_ logits: inout [Float]) throws -> Bool {
        if decodeStarted == nil { decodeStarted = Date() }
        let p = parameters
        let early = generated.count < p.minTokens
        let token: Int32 = try logits.withUnsafeMutableBufferPointer { buffer in
            sampler.applyPenalties(buffer, history: history[...])
            if let grammar, let state = grammarState {
                // Only tokens after which the answer can still be completed within the budget.
                try grammar.apply(state, remainingTokens: maxTokens - generated.count, to: buffer)
            }
            if early {
                // When the grammar allows only the end, the output is complete whatever minTokens says.
                let onlyEnd = try grammarState.map { try grammar!.isFinished($0) } ?? false
                if !onlyEnd { for id in stops where Int(id) < buffer.count { buffer[Int(id)] = -.infinity } }
            }
            return sampler.pick(UnsafeBufferPointer(buffer))
        }
        if stops.contains(token) { return finish(.stop) }
        generated.append(token)
        history.append(token)
        let (piece, stopped) = matcher.add(decoder.push(token), detecting: !early)
        emit(piece)
        if stopped { return finish(.stop, stoppedByString: true) }
        if let grammar, let state = grammarState {
            guard let next = try grammar.advance(state, token: token) else { return finish(.length) }
            grammarState = next
            // Complete and nothing may follow: end here rather than spend a step on the stop token.
            if try grammar.isFinished(next) { return finish(.stop) }
        }
        if generated.count >= maxTokens { return finish(.length) }
        return false
    }

    /// The outcome (call once finished).
    var result: GenerationResult {
        let decodeStart = decodeStarted ?? Date()
        return GenerationResult(text: text, tokens: generated, stopReason: reason, promptTokens: prompt.count,
                                reusedPromptTokens: reused, promptSeconds: decodeStart.timeIntervalSince(started),
                                decodeSeconds: Date().timeIntervalSince(decodeStart))
    }

    private func emit(_ piece: String) {
        guard !piece.isEmpty else { return }
        text += piece
        onText(piece)
    }

    private func finish(_ why: StopReason, stoppedByString: Bool = false) -> Bool {
        reason = why
        isFinished = true
        if !stoppedByString {
            // Bytes the streaming decoder still held (a character cut off by the end) can complete a stop string too.
            let (piece, stopped) = matcher.add(decoder.finish(), detecting: generated.count > parameters.minTokens)
            emit(piece)
            if stopped { reason = .stop } else { emit(matcher.flush()) }
        }
        return true
    }
}
