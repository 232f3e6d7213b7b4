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
        /// The top-level fields: llama.cpp on the GGUF as it is (Q8 activations).
        var llama_cpp: Variant

        enum CodingKeys: String, CodingKey { case name, tokens, f32_weights }

        init(from decoder: Swift.Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            tokens = try container.decode([Int32].self, forKey: .tokens)
            f32_weights = try container.decode(Variant.self, forKey: .f32_weights)
            llama_cpp = try Variant(from: decoder)
        }
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

    /// The exact-f32 path, compared with `f32_weights`.
    static let model: LlamaModel? = TestModel.file.flatMap { try? LlamaModel(file: $0, precision: .float) }
    /// The default int8 path, compared with llama.cpp as it runs the GGUF.
    static let int8Model: LlamaModel? = TestModel.file.flatMap { try? LlamaModel(file: $0, precision: .int8) }

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

    /// The int8 path against llama.cpp's own Q8-activation run, with the tolerances the
    /// fixture README derives from llama.cpp's spread between its own settings (Q8 rounding
    /// flips on ~1e-6 input changes move single logits by up to ~1.2–2.5): per logit ≤ 3.0,
    /// ≤ 2.0 after removing the row's mean difference, mean |Δ| over the sampled logits ≤ 0.4;
    /// greedy steps teacher-forced, the argmax identical wherever llama.cpp's margin exceeds 1.0.
    @Test("int8 path: prompt logits and 64 teacher-forced greedy steps within Q8 tolerances of llama.cpp",
          arguments: ["capital_of_france", "sea_poem", "great_wall_zh", "hash_table", "quick_brown_fox"])
    func int8WholeSequence(name: String) throws {
        let prompt = try Self.prompt(name)
        let fixture = try #require(Self.fixture)
        let model = try #require(Self.int8Model, "default model missing at \(TestModel.path)")
        let reference = prompt.llama_cpp
        let sequence = prompt.tokens + reference.greedy.dropLast()
        let logits = try model.forwardReturningAllLogits(tokens: sequence, cache: model.makeCache(capacity: sequence.count))
        let last = prompt.tokens.count - 1

        let sampled = zip(fixture.sample_ids, reference.last_logits_sample).map { Double(logits[last][$0.0]) - $0.1 }
        let shift = sampled.reduce(0, +) / Double(sampled.count)
        #expect(sampled.map(abs).max()! <= 3.0, "\(name): largest difference over the sampled logits")
        #expect(sampled.map { abs($0 - shift) }.max()! <= 2.0, "\(name): largest difference after removing the row shift")
        #expect(sampled.map { abs($0 - shift) }.reduce(0, +) / Double(sampled.count) <= 0.4, "\(name): mean difference")
        for (id, expected) in zip(reference.last_logits_top.ids, reference.last_logits_top.logits) {
            #expect(abs(Double(logits[last][id]) - expected) <= 3.0, "\(name): top logit of \(id)")
        }
        var agreeing = 0
        for step in reference.greedy.indices {
            let row = logits[last + step]
            let argmax = Int32(row.indices.max { row[$0] < row[$1] }!)
            if argmax == reference.greedy[step] { agreeing += 1 }
            if reference.greedy_margins[step] > 1.0 {
                #expect(argmax == reference.greedy[step], "\(name) step \(step): argmax \(argmax), llama.cpp \(reference.greedy[step])")
            }
        }
        // llama.cpp's own token-by-token vs whole-prompt runs agree on 98.8% of argmaxes.
        #expect(Double(agreeing) / Double(reference.greedy.count) >= 0.9, "\(name): \(agreeing)/64 greedy steps agree")
    }

    @Test("a batch of sequences gives each the logits it gets alone")
    func batchEqualsSeparateRuns() throws {
        let model = try #require(Self.int8Model, "default model missing at \(TestModel.path)")
        let prompts = try ["capital_of_france", "sea_poem", "great_wall_zh", "quick_brown_fox"].map { try Self.prompt($0).tokens }
        var alone: [[Float]] = []
        for tokens in prompts {
            let cache = try model.makeCache(capacity: 128)
            var logits = try model.forward(tokens: tokens, cache: cache)
            for _ in 0 ..< 3 {
                let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
                logits = try model.forward(tokens: [next], cache: cache)
            }
            alone.append(logits)
        }
        // Together: the prompts prefilled in one step (the last in two chunks), then three batched decode steps.
        let caches = try prompts.map { _ in try model.makeCache(capacity: 128) }
        let split = prompts[3].count / 2
        _ = try model.forward(batch: [SequenceStep(tokens: Array(prompts[3][..<split]), cache: caches[3], wantsLogits: false)])
        var steps = prompts.indices.map { i in SequenceStep(tokens: i == 3 ? Array(prompts[3][split...]) : prompts[i], cache: caches[i]) }
        var together: [[Float]] = []
        for _ in 0 ... 3 {
            together = try model.forward(batch: steps).map { try #require($0) }
            for i in steps.indices {
                steps[i].tokens = [Int32(together[i].indices.max { together[i][$0] < together[i][$1] }!)]
            }
        }
        for i in prompts.indices {
            let worst = zip(alone[i], together[i]).map { abs($0 - $1) }.max()!
            // Same arithmetic except that Q8 rounding depends on nothing but the row itself: equal to float rounding.
            #expect(worst <= 1e-3, "sequence \(i): batched logits differ by \(worst)")
        }
    }

    @Test("rows run in micro-batches give the logits of one pass")
    func microBatches() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        let whole = try LlamaModel(file: file)
        let sliced = try LlamaModel(file: file)
        sliced.microBatchRows = 5
        let a = try Self.prompt("sea_poem").tokens, b = try Self.prompt("quick_brown_fox").tokens
        func run(_ model: LlamaModel) throws -> [[Float]] {
            let caches = try [model.makeCache(capacity: 64), model.makeCache(capacity: 64)]
            return try model.forward(batch: [SequenceStep(tokens: a, cache: caches[0]), SequenceStep(tokens: b, cache: caches[1])])
                .map { try #require($0) } + [model.forwardReturningAllLogits(tokens: [a[0], b[0]], cache: caches[1])[0]]
        }
        for (x, y) in zip(try run(whole), try run(sliced)) {
            #expect(zip(x, y).map { abs($0 - $1) }.max()! <= 1e-4)
        }
    }
}
