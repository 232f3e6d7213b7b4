import Foundation

/// A loaded model ready to chat: weights, tokenizer and chat template from one GGUF file.
///
/// `generate` is safe to call from several threads at once: each call has its own KV cache.
public final class LanguageModel: @unchecked Sendable {
    public let path: String
    public let model: LlamaModel
    public let tokenizer: BPETokenizer
    public let template: ChatTemplate
    /// Tokens that end generation (end-of-text and the template's end-of-turn).
    public let endTokens: [Int32]
    private let grammarLock = NSLock()
    private var vocabulary: TokenVocabulary?
    private var grammars: [ResponseFormat: TokenGrammar] = [:]
    private let prefixCaches: PrefixCachePool

    /// `cachedSequences` KV caches of finished sequences are kept for prompt-prefix reuse
    /// (each holds at most the context's worth of positions; memory is committed as used).
    public init(path: String, chatTemplate: String? = nil, cachedSequences: Int = 8) throws {
        prefixCaches = PrefixCachePool(limit: cachedSequences)
        self.path = path
        let file = try GGUFFile(path: path)
        model = try LlamaModel(file: file)
        tokenizer = try BPETokenizer(gguf: file)
        template = try ChatTemplate(gguf: file, override: chatTemplate)
        var ends = Set<Int32>()
        if let eos = tokenizer.eosID { ends.insert(eos) }
        for text in template.stopStrings { if let id = tokenizer.id(of: text) { ends.insert(id) } }
        endTokens = ends.sorted()
    }

    /// The architecture and size, for messages.
    public var description: String {
        let c = model.configuration
        return "\(c.architecture) (\(c.blockCount) layers, width \(c.embeddingLength), \(c.headCount)/\(c.headCountKV) heads, context \(c.contextLength))"
    }

    public var contextLength: Int { model.configuration.contextLength }

    /// The prompt tokens of a chat.
    public func promptTokens(_ messages: [ChatMessage]) -> [Int32] {
        tokenizer.encode(template.render(messages, addGenerationPrompt: true), parseSpecial: true)
    }

    /// Generates a reply to `messages`, handing each new piece of text to `onText`.
    /// `isCancelled` is checked before every token; when it turns true, generation throws
    /// `GenerationFailure.cancelled`.
    public func generate(_ messages: [ChatMessage], parameters: SamplingParameters,
                         isCancelled: () -> Bool = { false },
                         onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        try generate(promptTokens: promptTokens(messages), parameters: parameters, isCancelled: isCancelled, onText: onText)
    }

    /// Generates a continuation of `promptTokens`.
    public func generate(promptTokens prompt: [Int32], parameters p: SamplingParameters,
                         isCancelled: () -> Bool = { false },
                         onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw GenerationFailure.emptyPrompt }
        let needed = prompt.count + p.maxTokens
        guard prompt.count < contextLength else {
            throw GenerationFailure.promptTooLong(promptTokens: prompt.count, maxTokens: p.maxTokens, context: contextLength)
        }
        let maxTokens = min(p.maxTokens, contextLength - prompt.count)
        if needed > contextLength && maxTokens < 1 {
            throw GenerationFailure.promptTooLong(promptTokens: prompt.count, maxTokens: p.maxTokens, context: contextLength)
        }
        let grammar = try grammar(for: p.responseFormat)
        var grammarState = grammar?.initialState
        let stops = Set(endTokens + p.stopTokens)
        var sampler = Sampler(p)
        var matcher = StopStringMatcher(p.stopStrings)
        var decoder = tokenizer.makeStreamingDecoder()
        let cache: KVCache
        var reused = 0
        if let hit = prefixCaches.take(for: prompt) {
            (cache, reused) = hit
        } else {
            cache = try model.makeCache(capacity: contextLength)
        }
        var history = prompt
        defer { prefixCaches.put(cache, tokens: history) }
        var generated: [Int32] = []
        var reason = StopReason.length
        // The returned text is exactly what was streamed.
        var text = ""
        func emit(_ piece: String) {
            guard !piece.isEmpty else { return }
            text += piece
            onText(piece)
        }
        var stoppedByString = false

        if isCancelled() { throw GenerationFailure.cancelled }
        let prefillStart = Date()
        var logits = try model.forward(tokens: Array(prompt[reused...]), cache: cache)
        let decodeStart = Date()
        let promptSeconds = decodeStart.timeIntervalSince(prefillStart)

        while generated.count < maxTokens {
            if isCancelled() { throw GenerationFailure.cancelled }
            let early = generated.count < p.minTokens
            let token: Int32 = try logits.withUnsafeMutableBufferPointer { buffer in
                sampler.applyPenalties(buffer, history: history[...])
                if let grammar, let state = grammarState { try grammar.apply(state, to: buffer) }
                if early {
                    // When the grammar allows only the end, the output is complete whatever minTokens says.
                    let onlyEnd = try grammarState.map { try grammar!.allowedTokens($0).ids.allSatisfy(stops.contains) } ?? false
                    if !onlyEnd { for id in stops where Int(id) < buffer.count { buffer[Int(id)] = -.infinity } }
                }
                return sampler.pick(UnsafeBufferPointer(buffer))
            }
            if stops.contains(token) { reason = .stop; break }
            generated.append(token)
            history.append(token)
            let (piece, stopped) = matcher.add(decoder.push(token), detecting: !early)
            emit(piece)
            if stopped {
                reason = .stop
                stoppedByString = true
                break
            }
            if let grammar, let state = grammarState {
                guard let next = try grammar.advance(state, token: token) else { break }
                grammarState = next
                if try grammar.allowedTokens(next).isEmpty { reason = .stop; break }
            }
            if generated.count >= maxTokens { break }
            logits = try model.forward(tokens: [token], cache: cache)
        }
        if !stoppedByString {
            // Bytes the streaming decoder still held (a character cut off by the end) can complete a stop string too.
            let (piece, stopped) = matcher.add(decoder.finish(), detecting: generated.count > p.minTokens)
            emit(piece)
            if stopped { reason = .stop } else { emit(matcher.flush()) }
        }
        return GenerationResult(text: text, tokens: generated, stopReason: reason, promptTokens: prompt.count, reusedPromptTokens: reused,
                                promptSeconds: promptSeconds, decodeSeconds: Date().timeIntervalSince(decodeStart))
    }

    /// The compiled grammar of a response format (cached per format), nil for free text.
    public func grammar(for format: ResponseFormat) throws -> TokenGrammar? {
        if case .text = format { return nil }
        return try grammarLock.withLock {
            if let cached = grammars[format] { return cached }
            let vocab = vocabulary ?? TokenVocabulary(tokenizer: tokenizer)
            vocabulary = vocab
            let compiled = try TokenGrammar(format: format, vocabulary: vocab, stopTokens: endTokens)
            grammars[format] = compiled
            return compiled
        }
    }
}

/// Why a generation could not run.
public enum GenerationFailure: Error, Equatable, CustomStringConvertible, LocalizedError {
    case emptyPrompt
    case promptTooLong(promptTokens: Int, maxTokens: Int, context: Int)
    case cancelled

    public var description: String {
        switch self {
        case .emptyPrompt:
            return "the prompt is empty"
        case .cancelled:
            return "generation was cancelled"
        case let .promptTooLong(prompt, maxTokens, context):
            return "the prompt has \(prompt) tokens and max_tokens is \(maxTokens), but the model's context is \(context) tokens"
        }
    }

    public var errorDescription: String? { description }
}
