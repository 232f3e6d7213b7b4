import Messages
import Foundation

/// A loaded model ready to chat: weights, tokenizer and chat template from one GGUF file.
///
/// `generate` is safe to call from several threads at once: each call has its own KV cache.
public final class LanguageModel: @unchecked Sendable {
    // @unchecked: an immutable model and tokenizer; the grammar cache is guarded by `grammarLock`.
    public let path: String
    public let model: LlamaModel
    public let tokenizer: BPETokenizer
    public let template: ChatTemplate
    /// Tokens that end generation (end-of-text and the template's end-of-turn).
    public let endTokens: [Int32]
    private let grammarLock = NSLock()
    private var vocabulary: TokenVocabulary?
    private var grammars: [ResponseFormat: TokenGrammar] = [:]
    let prefixCaches: PrefixCachePool

    /// `cachedSequences` KV caches of finished sequences are kept for prompt-prefix reuse
    /// (each holds at most the context's worth of positions; memory is committed as used).
    public init(path: String, chatTemplate: String? = nil, cachedSequences: Int = 8,
                precision: ActivationPrecision = .int8) throws {
        prefixCaches = PrefixCachePool(limit: cachedSequences)
        self.path = path
        let file = try GGUFFile(path: path)
        model = try LlamaModel(file: file, precision: precision)
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

    /// Generates a continuation of `promptTokens` on the calling thread, one sequence alone
    /// (`BatchEngine` runs many together).
    public func generate(promptTokens prompt: [Int32], parameters p: SamplingParameters,
                         isCancelled: () -> Bool = { false },
                         onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        try withoutActuallyEscaping(onText) { onText in
            let sequence = try SequenceDecoder(model: self, prompt: prompt, parameters: p, prefixCaches: prefixCaches, onText: onText)
            defer { prefixCaches.put(sequence.cache, tokens: sequence.history) }
            while !sequence.isFinished {
                if isCancelled() { throw GenerationFailure.cancelled }
                let step = sequence.nextInput(limit: Int.max)
                var logits = try model.forward(tokens: step.tokens, cache: step.cache)
                _ = try sequence.accept(&logits)
            }
            return sequence.result
        }
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
    /// The response format's shortest answer needs `shortest` tokens, more than may be generated:
    /// `maxTokens` asked for, `available` of them fit in the context after the prompt.
    case budgetBelowShortestAnswer(maxTokens: Int, available: Int, shortest: Int)

    public var description: String {
        switch self {
        case .emptyPrompt:
            return "the prompt is empty"
        case .cancelled:
            return "generation was cancelled"
        case let .budgetBelowShortestAnswer(maxTokens, available, shortest) where available < maxTokens:
            return "only \(available) tokens fit in the context after the prompt (max_tokens \(maxTokens)), below the shortest answer the response format allows (\(shortest) tokens)"
        case let .budgetBelowShortestAnswer(maxTokens, _, shortest):
            return "max_tokens \(maxTokens) is below the shortest answer the response format allows (\(shortest) tokens)"
        case let .promptTooLong(prompt, maxTokens, context):
            return "the prompt has \(prompt) tokens and max_tokens is \(maxTokens), but the model's context is \(context) tokens"
        }
    }

    public var errorDescription: String? { description }
}
