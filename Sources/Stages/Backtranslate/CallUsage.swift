import Generation
import Messages

/// Tokens and time of the model calls one item made.
struct CallUsage {
    var promptTokens = 0
    var completionTokens = 0
    var seconds = 0.0

    mutating func add(_ output: GenerationOutput) {
        promptTokens += output.promptTokens
        completionTokens += output.completionTokens
        seconds += output.seconds
    }
}
