import Decoder
import Foundation

/// `TextGenerator` on the built-in decoder. All requests of a build share this one backend,
/// which runs them one at a time on its own thread: the forward pass already spreads each
/// token's work over every core, and running sequences side by side without a batched forward
/// pass only makes them compete (measured several times slower in total). Consecutive requests
/// that share a prompt prefix reuse its keys and values (`LanguageModel`'s prefix cache).
public final class BuiltinBackend: StreamingTextGenerator, @unchecked Sendable {
    public let model: LanguageModel
    public let identity: String
    /// Longest prompt plus answer, in tokens.
    public let contextTokens: Int
    private let slots: DispatchSemaphore
    private let queue = DispatchQueue(label: "lwdata.builtin", attributes: .concurrent)

    /// Loads the GGUF at `modelPath`; `maxContext` caps the context below the model's own.
    public init(modelPath: String, maxContext: Int? = nil, chatTemplate: String? = nil) throws {
        model = try LanguageModel(path: modelPath, chatTemplate: chatTemplate)
        identity = "builtin:" + URL(fileURLWithPath: modelPath).lastPathComponent
        contextTokens = min(maxContext ?? model.contextLength, model.contextLength)
        slots = DispatchSemaphore(value: 1)
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
        let cancelled = CancelFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                slots.wait()
                defer { slots.signal() }
                // Cancelled while queued: do not even read the prompt.
                if cancelled.isSet { return continuation.resume(throwing: CancellationError()) }
                let started = Date()
                do {
                    let result = try model.generate(messages, parameters: sampling, isCancelled: { cancelled.isSet }, onText: onText)
                    continuation.resume(returning: GenerationOutput(
                        text: result.text, finishReason: result.stopReason == .length ? .length : .stop,
                        promptTokens: result.promptTokens, completionTokens: result.completionTokens,
                        seconds: Date().timeIntervalSince(started)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            }
        } onCancel: {
            cancelled.set()
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
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
