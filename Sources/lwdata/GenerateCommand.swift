import ArgumentParser
import Decoder
import Foundation
import Messages

/// `lwdata generate`: one chat answer from the built-in decoder, streamed to stdout as it is
/// decoded. What was loaded and how fast it ran go to stderr.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Answer one prompt with the built-in decoder, streaming the answer to stdout.",
        discussion: """
            The prompt is sent as a user message through the model's chat template. \
            --temperature 0 decodes greedily (the same answer every time); otherwise the answer \
            is sampled, and the same --seed with the same settings gives the same answer.
            """)

    @Argument(help: "The user message.")
    var prompt: String

    @Option(name: .long, help: "GGUF model (default: LWDATA_MODEL, then the installed default model).")
    var model: String?

    @Option(name: .long, help: "System message put before the prompt (default: the chat template's own, if any).")
    var system: String?

    @Option(name: .long, help: "Sampling temperature; 0 picks the most likely token at every step.")
    var temperature: Float = 0.7

    @Option(name: .long, help: "Keep the smallest set of likeliest tokens whose probability reaches P (1: off).")
    var topP: Float = 0.95

    @Option(name: .long, help: "Keep only the K likeliest tokens (0: off).")
    var topK = 0

    @Option(name: .long, help: "Drop tokens less likely than P times the likeliest one (0: off).")
    var minP: Float = 0

    @Option(name: .long, help: "Penalty on tokens already in the prompt or the answer (1: off).")
    var repetitionPenalty: Float = 1

    @Option(name: .long, help: "Random seed (default: a new one each run, printed on stderr).")
    var seed: UInt64?

    @Option(name: .long, help: "Most tokens to generate.")
    var maxTokens = 512

    @Option(name: .long, help: "Stop before this text (repeatable); the stop text is not printed.")
    var stop: [String] = []

    @Option(name: .long, help: "Chat template (chatml, llama3) when the model's is not recognised.")
    var chatTemplate: String?

    func validate() throws {
        guard temperature >= 0 else { throw ValidationError("--temperature must be 0 or more") }
        guard topP > 0, topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard topK >= 0 else { throw ValidationError("--top-k must be 0 or more") }
        guard minP >= 0, minP < 1 else { throw ValidationError("--min-p must be in [0, 1)") }
        guard repetitionPenalty > 0 else { throw ValidationError("--repetition-penalty must be positive") }
        guard maxTokens > 0 else { throw ValidationError("--max-tokens must be positive") }
    }

    func run() async throws {
        let languageModel: LanguageModel
        do {
            let path = try ModelLocator.existingModelPath(model)
            languageModel = try LanguageModel(path: path, chatTemplate: chatTemplate)
            Console.error("loaded \(languageModel.description) from \(path)")
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }

        let seed = self.seed ?? UInt64.random(in: 0 ... UInt64(UInt32.max))
        if self.seed == nil && temperature > 0 { Console.error("seed \(seed)") }
        let parameters = SamplingParameters(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                            repetitionPenalty: repetitionPenalty, seed: seed, maxTokens: maxTokens,
                                            stopStrings: stop)
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: "system", content: system)) }
        messages.append(ChatMessage(role: "user", content: prompt))

        let result: GenerationResult
        do {
            result = try languageModel.generate(messages, parameters: parameters, onText: { piece in
                FileHandle.standardOutput.write(Data(piece.utf8))
            })
        } catch {
            Console.error("\(error)")
            throw ExitCodes.failure
        }
        FileHandle.standardOutput.write(Data("\n".utf8))

        let rate = result.decodeSeconds > 0 ? Double(result.completionTokens) / result.decodeSeconds : 0
        Console.error(String(format: "%d prompt tokens in %.2f s, %d answer tokens in %.2f s (%.1f tokens/s), finished: %@",
                             result.promptTokens, result.promptSeconds, result.completionTokens, result.decodeSeconds,
                             rate, result.stopReason.rawValue))
    }
}
