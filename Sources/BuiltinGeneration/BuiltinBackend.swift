import Decoder
import Generation
import Messages
import Foundation

/// `TextGenerator` on the built-in decoder. All requests of a build share this one backend and
/// its `BatchEngine`: concurrent requests decode together in one batch (continuous batching),
/// so a stage's concurrency multiplies throughput instead of making requests compete for the
/// cores. Requests that share a prompt prefix with a finished one reuse its keys and values.
public final class BuiltinBackend: StreamingTextGenerator, @unchecked Sendable {
    // @unchecked: immutable references to the model and the engine, both safe to share (the engine locks its queue).
    public let model: LanguageModel
    public let engine: BatchEngine
    public let identity: String
    /// Longest prompt plus answer, in tokens.
    public let contextTokens: Int

    /// Loads the GGUF at `modelPath`; `maxContext` caps the context below the model's own;
    /// `maxSequences` caps how many requests decode together (more wait in a queue).
    public init(modelPath: String, maxContext: Int? = nil, chatTemplate: String? = nil, maxSequences: Int = 32) throws {
        // Finished sequences' caches are kept for prefix reuse: one per running sequence (a
        // record's next step shares the previous step's prompt) plus a few.
        model = try LanguageModel(path: modelPath, chatTemplate: chatTemplate, cachedSequences: maxSequences + 8)
        engine = BatchEngine(model: model, settings: .init(maxSequences: maxSequences))
        identity = "builtin:" + URL(fileURLWithPath: modelPath).lastPathComponent
        contextTokens = min(maxContext ?? model.contextLength, model.contextLength)
    }

    /// Exact token count of a text under this model's tokenizer.
    public var countTokens: @Sendable (String) -> Int {
        { [tokenizer = model.tokenizer] text in tokenizer.encode(text, parseSpecial: false).count }
    }

    public func generate(_ messages: [ChatMessage], parameters: GenerationParameters) async throws -> GenerationOutput {
        try await generate(messages, parameters: parameters, onText: { _ in })
    }

    public func generate(_ messages: [ChatMessage], parameters: GenerationParameters,
                         onText: @escaping @Sendable (String) -> Void) async throws -> GenerationOutput {
        let sampling = Self.sampling(parameters)
        let prompt = model.promptTokens(messages)
        let cancelled = CancelFlag()
        let started = Date()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                engine.submit(promptTokens: prompt, parameters: sampling, isCancelled: { cancelled.isSet },
                              onText: onText) { outcome in
                    switch outcome {
                    case .success(let result):
                        continuation.resume(returning: GenerationOutput(
                            text: result.text, finishReason: result.stopReason == .length ? .length : .stop,
                            promptTokens: result.promptTokens, completionTokens: result.completionTokens,
                            seconds: Date().timeIntervalSince(started)))
                    case .failure(let error):
                        continuation.resume(throwing: Self.rejected(error))
                    }
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// The decoder's refusals of a request (a schema it cannot compile, a prompt too long) as
    /// `RejectedRequest`, so a server answers them with 400; other errors as they are.
    static func rejected(_ error: any Error) -> any Error {
        switch error {
        case let error as GrammarError: return RejectedRequest(error, clientMessage: "response_format: \(error)")
        case let error as GenerationFailure: return RejectedRequest(error, clientMessage: "\(error)")
        default: return error
        }
    }

    /// The decoder's sampling settings for a generation request.
    static func sampling(_ p: GenerationParameters) -> SamplingParameters {
        let format: ResponseFormat
        switch p.responseFormat {
        case .text: format = .text
        case .regex(let pattern): format = .regex(pattern)
        case .jsonSchema(_, let schema): format = .jsonSchema(schema)
        }
        return SamplingParameters(temperature: Float(p.temperature), topK: p.topK, topP: Float(p.topP), minP: Float(p.minP),
                                  repetitionPenalty: Float(p.repetitionPenalty), frequencyPenalty: Float(p.frequencyPenalty),
                                  presencePenalty: Float(p.presencePenalty), seed: p.seed, maxTokens: p.maxTokens,
                                  minTokens: p.minTokens, stopStrings: p.stop, responseFormat: format)
    }
}

/// A flag set from one thread and read from another.
final class CancelFlag: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
