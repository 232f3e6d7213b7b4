/// How to pick each next token, and when to stop.
public struct SamplingParameters: Sendable, Hashable {
    /// 0 picks the most likely token (greedy).
    public var temperature: Float = 0
    /// Keep only the `topK` most likely tokens (0: all).
    public var topK: Int = 0
    /// Keep the smallest set of tokens whose probability reaches `topP`.
    public var topP: Float = 1
    /// Drop tokens less likely than `minP` times the most likely one.
    public var minP: Float = 0
    /// llama.cpp-style: divides positive logits (multiplies negative ones) of recent tokens.
    public var repetitionPenalty: Float = 1
    /// Subtracted once per earlier occurrence of a token in the recent window.
    public var frequencyPenalty: Float = 0
    /// Subtracted once if a token occurred in the recent window.
    public var presencePenalty: Float = 0
    /// How many recent tokens the penalties look at (prompt included).
    public var penaltyWindow: Int = 256
    public var seed: UInt64 = 0
    public var maxTokens: Int = 256
    /// End-of-text, stop tokens and stop strings are ignored until this many tokens are out.
    public var minTokens: Int = 0
    /// Generation ends before the first of these strings; the string is not returned.
    public var stopStrings: [String] = []
    /// Generation ends at these tokens (end-of-text and the chat template's end-of-turn are added).
    public var stopTokens: [Int32] = []
    /// Structure the output must follow, enforced while decoding.
    public var responseFormat: ResponseFormat = .text

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0, repetitionPenalty: Float = 1,
                frequencyPenalty: Float = 0, presencePenalty: Float = 0, penaltyWindow: Int = 256, seed: UInt64 = 0,
                maxTokens: Int = 256, minTokens: Int = 0, stopStrings: [String] = [], stopTokens: [Int32] = [],
                responseFormat: ResponseFormat = .text) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.penaltyWindow = penaltyWindow
        self.seed = seed
        self.maxTokens = maxTokens
        self.minTokens = minTokens
        self.stopStrings = stopStrings
        self.stopTokens = stopTokens
        self.responseFormat = responseFormat
    }
}
