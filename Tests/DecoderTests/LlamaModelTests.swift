import Foundation
import Testing
@testable import Decoder

@Suite("Llama model")
struct LlamaModelTests {
    private static func maxDifference(_ a: [Float], _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max()!
    }

    @Test("a tiny random model matches an independent Double forward pass, whole prompt and token by token",
          arguments: [true, false])
    func tinyModelMatchesReference(tiedOutput: Bool) throws {
        let directory = try TemporaryDirectory()
        var tiny = TinyLlama()
        tiny.tiedOutput = tiedOutput
        let file = try GGUFFile(path: tiny.write(to: directory.url))
        let model = try LlamaModel(file: file, precision: .float)
        let tokens: [Int32] = [3, 17, 0, 39, 8, 8, 21]
        let expected = tiny.referenceLogits(file: file, tokens: tokens)

        // Whole prompt at once (tiled sgemm path, all positions' logits).
        let all = try model.forwardReturningAllLogits(tokens: tokens, cache: model.makeCache())
        #expect(all.count == tokens.count)
        for (position, logits) in all.enumerated() {
            #expect(Self.maxDifference(logits, expected[position]) < 1e-4, "position \(position)")
        }

        // One token per call (fused kernels, attention over the cache).
        let cache = try model.makeCache(capacity: 16)
        for (position, token) in tokens.enumerated() {
            let logits = try model.forward(tokens: [token], cache: cache)
            #expect(Self.maxDifference(logits, expected[position]) < 1e-4, "step \(position)")
        }
        #expect(cache.count == tokens.count)

        // A prompt in two uneven parts, reusing the cache.
        let split = try model.makeCache()
        _ = try model.forward(tokens: Array(tokens[0 ..< 2]), cache: split)
        let last = try model.forward(tokens: Array(tokens[2...]), cache: split)
        #expect(Self.maxDifference(last, expected[tokens.count - 1]) < 1e-4)
    }

    @Test("the default model's hyperparameters come from its llama.* metadata")
    func realConfiguration() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        let c = try LlamaConfiguration(file: file)
        #expect(c.architecture == "llama")
        #expect(c.embeddingLength == file.metadata["llama.embedding_length"]?.int)
        #expect(c.blockCount == file.metadata["llama.block_count"]?.int)
        #expect(c.headCount == file.metadata["llama.attention.head_count"]?.int)
        #expect(c.headCountKV == file.metadata["llama.attention.head_count_kv"]?.int)
        #expect(c.contextLength == file.metadata["llama.context_length"]?.int)
        #expect(c.ropeFrequencyBase == Float(file.metadata["llama.rope.freq_base"]?.double ?? 0))
        #expect(c.headDimension * c.headCount == c.embeddingLength)
        #expect(c.vocabularySize == file.metadata["tokenizer.ggml.tokens"]?.stringArray?.count)
    }

    @Test("an unsupported architecture is an error naming it")
    func unsupportedArchitecture() throws {
        let directory = try TemporaryDirectory()
        var tiny = TinyLlama()
        tiny.architecture = "mamba"
        let path = try tiny.write(to: directory.url)
        #expect(throws: ModelError.unsupportedArchitecture(path: path, architecture: "mamba")) {
            try LlamaModel(path: path)
        }
        #expect(ModelError.unsupportedArchitecture(path: path, architecture: "mamba").description.contains("'mamba'"))
    }

    @Test("a tensor whose shape disagrees with the hyperparameters is an error naming it")
    func shapeMismatch() throws {
        let directory = try TemporaryDirectory()
        var tiny = TinyLlama()
        tiny.shapeOverrides = ["blk.1.attn_k.weight": [256, 96]]
        let path = try tiny.write(to: directory.url)
        #expect(throws: ModelError.shapeMismatch(path: path, tensor: "blk.1.attn_k.weight", expected: [256, 128], found: [256, 96])) {
            try LlamaModel(path: path)
        }
    }

    @Test("requests past the cache or context, and unknown tokens, are errors")
    func limits() throws {
        let directory = try TemporaryDirectory()
        let tiny = TinyLlama()
        let model = try LlamaModel(path: tiny.write(to: directory.url))
        #expect(throws: ModelError.cacheLargerThanContext(requested: 33, contextLength: 32)) {
            try model.makeCache(capacity: 33)
        }
        let cache = try model.makeCache(capacity: 4)
        _ = try model.forward(tokens: [1, 2, 3], cache: cache)
        #expect(throws: ModelError.contextOverflow(requested: 5, capacity: 4)) {
            try model.forward(tokens: [4, 5], cache: cache)
        }
        #expect(cache.count == 3, "a refused request leaves the cache as it was")
        #expect(throws: ModelError.tokenOutOfRange(token: 40, vocabularySize: 40)) {
            try model.forward(tokens: [40], cache: cache)
        }
        cache.reset()
        #expect(cache.count == 0)
        #expect(throws: ModelError.incompatibleCache) {
            var other = TinyLlama()
            other.kvHeads = 4
            let otherModel = try LlamaModel(path: other.write(to: directory.url, seed: 2))
            _ = try model.forward(tokens: [1], cache: otherModel.makeCache())
        }
    }
}
