import Generation
import Messages

/// What the model stages of a build share: one generator (and so one batching engine), its
/// identity for cache keys, its context size, token counting and usage accounting.
public struct ModelHandle: Sendable {
    /// Backend and model identity (e.g. `builtin:SmolLM2-135M-Instruct.Q4_1.gguf#<sha256>`).
    public let identity: String
    /// `builtin` or `openai`, for accounting.
    public let backendName: String
    public let generator: TextGenerator
    /// Longest prompt plus answer, in tokens.
    public let contextTokens: Int
    /// Tokens of a text (exact for the built-in decoder, an estimate otherwise).
    public let countTokens: @Sendable (String) -> Int
    /// Whether the backend enforces `responseFormat` while decoding.
    public let enforcesFormat: Bool
    public let meter: UsageMeter
    /// Prices per million prompt and generated tokens (nil: no cost estimate).
    public var prices: (input: Double, output: Double)?

    /// The estimated cost of calls with these token counts.
    public func cost(tokensIn: Int, tokensOut: Int) -> Double {
        guard let prices else { return 0 }
        return (Double(tokensIn) * prices.input + Double(tokensOut) * prices.output) / 1_000_000
    }

    public init(identity: String, backendName: String, generator: TextGenerator, contextTokens: Int,
                countTokens: @escaping @Sendable (String) -> Int, enforcesFormat: Bool, meter: UsageMeter) {
        self.identity = identity
        self.backendName = backendName
        self.generator = generator
        self.contextTokens = contextTokens
        self.countTokens = countTokens
        self.enforcesFormat = enforcesFormat
        self.meter = meter
    }

    /// The generator as one stage uses it: its calls are counted under the stage's name.
    public func generator(forStage stage: String) -> TextGenerator {
        MeteredGenerator(inner: generator, meter: meter, stage: stage, backend: backendName)
    }

    /// A rough token count for backends whose tokenizer is unknown: ~4 characters a token for
    /// Latin text, ~1.5 tokens per CJK character.
    public static func estimateTokens(_ text: String) -> Int {
        var latin = 0, cjk = 0
        for scalar in text.unicodeScalars {
            if (0x3040...0x9FFF).contains(scalar.value) || (0xAC00...0xD7AF).contains(scalar.value) { cjk += 1 } else { latin += 1 }
        }
        return latin / 4 + cjk * 3 / 2 + 1
    }
}
