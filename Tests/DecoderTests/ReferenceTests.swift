import Foundation
import Testing
@testable import Decoder

/// Our forward pass against llama.cpp on the default model (`Fixtures/reference_logits.json`,
/// made by `scripts/reference/make_decoder_fixtures.py`).
///
/// The decoder multiplies the quantized weights, decoded exactly, with `Float` activations and
/// keeps an f32 KV cache, so it is compared with the fixture's `f32_weights` variant (llama.cpp
/// on the same weights dequantized to F32). Tolerance, per the fixture README: |Δlogit| ≤ 1e-2.
/// Greedy steps are checked teacher-forced: the chosen token's logit within the tolerance,
/// the argmax identical where the reference's top-2 margin exceeds twice the tolerance, and
/// otherwise one of the reference's top two.
@Suite("Reference logits from llama.cpp", .serialized)
struct ReferenceTests {
    static let tolerance = 1e-2

    struct Fixture: Decodable {
        var sample_ids: [Int]
        var prompts: [Prompt]
    }

    struct Prompt: Decodable {
        var name: String
        var tokens: [Int32]
        var f32_weights: Variant
    }

    struct Variant: Decodable {
        struct Top: Decodable {
            var position: Int?
            var ids: [Int]
            var logits: [Double]
        }
        var last_logits_top: Top
        var last_logits_sample: [Double]
        var mid_logits_top: Top
        var greedy: [Int32]
        var greedy_logits: [Double]
        var greedy_runner_up: [Int32]
        var greedy_margins: [Double]
    }

    static let fixture: Fixture? = {
        guard let url = Bundle.module.url(forResource: "reference_logits", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Fixture.self, from: data)
    }()

    static let model: LlamaModel? = TestModel.file.flatMap { try? LlamaModel(file: $0) }

    static func prompt(_ name: String) throws -> Prompt {
        let fixture = try #require(fixture, "Fixtures/reference_logits.json missing or unreadable")
        return try #require(fixture.prompts.first { $0.name == name }, "no prompt \(name) in the fixture")
    }

    private static func checkTop(_ top: Variant.Top, _ logits: [Float], _ label: String) {
        for (id, expected) in zip(top.ids, top.logits) {
            #expect(abs(Double(logits[id]) - expected) <= tolerance, "\(label): logit of \(id)")
        }
    }

    private static func checkGreedyStep(_ variant: Variant, step: Int, logits: [Float], _ label: String) {
        let chosen = variant.greedy[step]
        #expect(abs(Double(logits[Int(chosen)]) - variant.greedy_logits[step]) <= tolerance, "\(label) step \(step): logit")
        let argmax = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
        if variant.greedy_margins[step] > 2 * tolerance {
            #expect(argmax == chosen, "\(label) step \(step): argmax \(argmax), reference \(chosen)")
        } else {
            #expect(argmax == chosen || argmax == variant.greedy_runner_up[step], "\(label) step \(step): near-tie")
        }
    }

    @Test("prompt logits and 64 teacher-forced greedy steps match llama.cpp",
          arguments: ["capital_of_france", "sea_poem", "great_wall_zh", "hash_table", "quick_brown_fox"])
    func wholeSequence(name: String) throws {
        let prompt = try Self.prompt(name)
        let fixture = try #require(Self.fixture)
        let model = try #require(Self.model, "default model missing at \(TestModel.path)")
        let reference = prompt.f32_weights
        // The prompt followed by the reference's own greedy tokens, in one forward call.
        let sequence = prompt.tokens + reference.greedy.dropLast()
        let logits = try model.forwardReturningAllLogits(tokens: sequence, cache: model.makeCache(capacity: sequence.count))
        let last = prompt.tokens.count - 1

        Self.checkTop(reference.last_logits_top, logits[last], "\(name) last prompt position")
        let mid = try #require(reference.mid_logits_top.position)
        Self.checkTop(reference.mid_logits_top, logits[mid], "\(name) position \(mid)")
        for (id, expected) in zip(fixture.sample_ids, reference.last_logits_sample) {
            #expect(abs(Double(logits[last][id]) - expected) <= Self.tolerance, "\(name) sampled logit of \(id)")
        }
        for step in reference.greedy.indices {
            Self.checkGreedyStep(reference, step: step, logits: logits[last + step], name)
        }
    }

    @Test("single-token decode steps on a filled cache match llama.cpp")
    func decodeSteps() throws {
        let prompt = try Self.prompt("capital_of_france")
        let model = try #require(Self.model, "default model missing at \(TestModel.path)")
        let reference = prompt.f32_weights
        let cache = try model.makeCache(capacity: 64)
        let first = try model.forward(tokens: prompt.tokens, cache: cache)
        Self.checkTop(reference.last_logits_top, first, "prefill")
        for step in 1 ... 3 {
            let logits = try model.forward(tokens: [reference.greedy[step - 1]], cache: cache)
            Self.checkGreedyStep(reference, step: step, logits: logits, "decode")
        }
    }
}
