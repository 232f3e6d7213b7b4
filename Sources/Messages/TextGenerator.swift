/// Sampling and length settings of one generation request.
public struct GenerationParameters: Sendable, Equatable, Hashable, Codable {
    public var temperature: Double
    public var topP: Double
    /// 0: no top-k cut.
    public var topK: Int
    /// 0: no min-p cut.
    public var minP: Double
    /// 1: none; > 1 discourages tokens already in the prompt or the output.
    public var repetitionPenalty: Double
    public var frequencyPenalty: Double
    public var presencePenalty: Double
    public var maxTokens: Int
    /// End-of-text and stop strings are suppressed until this many tokens are out.
    public var minTokens: Int
    public var stop: [String]
    public var seed: UInt64
    /// Structure the output must have (JSON Schema or regex), enforced while decoding.
    public var responseFormat: OutputFormat
    /// A JSON object (as text) of fields an OpenAI-compatible server gets in this request's body
    /// beside lwdata's own (a stage's `extra_body`: e.g. llama.cpp's `repeat_penalty`); nil: none.
    /// The built-in decoder ignores it.
    public var extraBody: String?

    public init(temperature: Double = 0.7, topP: Double = 0.95, topK: Int = 0, minP: Double = 0,
                repetitionPenalty: Double = 1, frequencyPenalty: Double = 0, presencePenalty: Double = 0,
                maxTokens: Int = 1024, minTokens: Int = 0, stop: [String] = [], seed: UInt64 = 0,
                responseFormat: OutputFormat = .text, extraBody: String? = nil) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.maxTokens = maxTokens
        self.minTokens = minTokens
        self.stop = stop
        self.seed = seed
        self.responseFormat = responseFormat
        self.extraBody = extraBody
    }
}

/// Why a generation ended.
public enum FinishReason: String, Sendable, Codable {
    /// The model ended its answer (or a stop string was met).
    case stop
    /// Cut off by `maxTokens`: the text is truncated.
    case length
    /// The backend failed; `GenerationOutput.error` says why.
    case error
}

/// The answer to one generation request.
public struct GenerationOutput: Sendable, Equatable, Codable {
    public var text: String
    public var finishReason: FinishReason
    public var promptTokens: Int
    public var completionTokens: Int
    /// Seconds from request to answer.
    public var seconds: Double
    public var error: String?
    /// Attempts beyond the first that this answer took.
    public var retries: Int
    /// Answered from the request cache, with no model call.
    public var cached: Bool = false

    public init(text: String, finishReason: FinishReason, promptTokens: Int, completionTokens: Int, seconds: Double,
                error: String? = nil, retries: Int = 0) {
        self.text = text
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.seconds = seconds
        self.error = error
        self.retries = retries
    }
}

/// Anything that turns chat messages into text: the built-in decoder or an OpenAI-compatible server.
public protocol TextGenerator: Sendable {
    /// Names the backend and model, for cache keys and accounting (never holds secrets).
    var identity: String { get }
    func generate(_ messages: [ChatMessage], parameters: GenerationParameters) async throws -> GenerationOutput
}
