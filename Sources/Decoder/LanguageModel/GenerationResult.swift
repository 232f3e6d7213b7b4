/// Why generation ended.
public enum StopReason: String, Sendable, Codable {
    /// End of text, a stop token or a stop string, or the response format is complete.
    case stop
    /// `maxTokens` was reached: the text is cut off.
    case length
}

/// The outcome of one generation.
public struct GenerationResult: Sendable, Equatable {
    public var text: String
    public var tokens: [Int32]
    public var stopReason: StopReason
    public var promptTokens: Int
    /// Prompt tokens whose keys and values came from an earlier sequence with the same prefix.
    public var reusedPromptTokens: Int = 0
    /// Seconds spent on the prompt (prefill) and on generating.
    public var promptSeconds: Double
    public var decodeSeconds: Double

    public var completionTokens: Int { tokens.count }
}
