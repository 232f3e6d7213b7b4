import Foundation
import Testing
@testable import Decoder
import Messages

/// The generation loop on a tiny random chat model (fast, byte-level vocabulary) and one
/// end-to-end answer from the default model.
@Suite("Generation")
struct GenerationTests {
    /// A tiny random Llama with a byte vocabulary and a ChatML template, loaded as a `LanguageModel`.
    final class TinyChat {
        let directory: TemporaryDirectory
        let model: LanguageModel

        init() throws {
            directory = try TemporaryDirectory()
            var tiny = TinyLlama()
            tiny.withTokenizer = true
            tiny.context = 96
            model = try LanguageModel(path: tiny.write(to: directory.url))
        }
    }

    static let messages = [ChatMessage(role: "user", content: "hi")]

    /// Generates, also collecting the streamed pieces.
    private static func generate(_ model: LanguageModel, _ parameters: SamplingParameters) throws -> (result: GenerationResult, streamed: String) {
        var streamed = ""
        let result = try model.generate(messages, parameters: parameters, onText: { streamed += $0 })
        return (result, streamed)
    }

    @Test("a seed fixes the sampled text; another seed changes it; the stream equals the result")
    func seeds() throws {
        let chat = try TinyChat()
        let p = SamplingParameters(temperature: 1, seed: 11, maxTokens: 24, minTokens: 24)
        let first = try Self.generate(chat.model, p)
        let again = try Self.generate(chat.model, p)
        var other = p
        other.seed = 12
        let different = try Self.generate(chat.model, other)
        #expect(first.result.tokens == again.result.tokens && first.result.text == again.result.text)
        #expect(first.result.tokens != different.result.tokens)
        for run in [first, again, different] {
            #expect(run.streamed == run.result.text)
            #expect(run.result.text == chat.model.tokenizer.decode(run.result.tokens))
            #expect(run.result.completionTokens == 24 && run.result.stopReason == .length)
        }
        #expect(first.result.promptTokens == chat.model.promptTokens(Self.messages).count)
    }

    @Test("a stop string ends the answer before it, across token boundaries")
    func stopString() throws {
        let chat = try TinyChat()
        var p = SamplingParameters(temperature: 0, maxTokens: 40)
        let run = try Self.generate(chat.model, p).result
        try #require(run.stopReason == .length, "the greedy answer should run to maxTokens")
        let full = run.text
        // Three characters from the middle of the greedy answer, each from its own byte token.
        let bytes = Array(full.utf8)
        let scalars = Array(full.unicodeScalars)
        try #require(scalars.count >= 12, "greedy answer \(full.debugDescription) is too short")
        let stop = String(String.UnicodeScalarView(scalars[8 ..< 11]))
        p.stopStrings = [stop]
        let stopped = try Self.generate(chat.model, p)
        // Stop strings match bytes: the answer is everything before the stop's first byte occurrence.
        let needle = Array(stop.utf8)
        let cut = try #require((0 ... bytes.count - needle.count).first { bytes[$0 ..< $0 + needle.count].elementsEqual(needle) })
        let expected = String(decoding: bytes[..<cut], as: UTF8.self)
        #expect(stopped.result.text == expected)
        #expect(stopped.streamed == expected)
        #expect(stopped.result.stopReason == .stop)
    }

    @Test("maxTokens caps the answer, minTokens keeps the end token away, a long prompt is refused")
    func limits() throws {
        let chat = try TinyChat()
        let capped = try Self.generate(chat.model, SamplingParameters(temperature: 0.8, seed: 3, maxTokens: 5, minTokens: 5)).result
        #expect(capped.completionTokens == 5 && capped.stopReason == .length)
        let long = [ChatMessage(role: "user", content: String(repeating: "x", count: 200))]
        #expect(throws: GenerationFailure.self) {
            try chat.model.generate(long, parameters: SamplingParameters())
        }
    }

    /// The one end-to-end run on the real model (slow in debug builds: keep it short).
    @Test("the default model answers the capital of Japan greedily, streaming what it returns")
    func capitalOfJapan() throws {
        let model = try LanguageModel(path: ModelLocator.existingModelPath())
        var streamed = ""
        let result = try model.generate([ChatMessage(role: "user", content: "What is the capital of Japan?")],
                                        parameters: SamplingParameters(temperature: 0, maxTokens: 12), onText: { streamed += $0 })
        #expect(result.text.contains("Tokyo"), "answer: \(result.text)")
        #expect(result.stopReason == .stop, "the model ends its turn")
        #expect(streamed == result.text)
        #expect(!result.text.contains("<|im_end|>"))
    }
}
