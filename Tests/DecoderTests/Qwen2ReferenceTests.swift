import Foundation
import Testing
@testable import Decoder
import Messages

/// The `qwen2` architecture against llama.cpp, on tiny random-weight Qwen2 GGUF files.
///
/// `scripts/reference/make_qwen2_fixture.py --models-only DIR` writes the files (the same
/// bytes every run; their SHA-256 are in the fixture) into a temporary folder for each test;
/// `Fixtures/reference_qwen2.json` holds llama.cpp's tokens, logits and greedy paths for them,
/// made by the same script. The F32 file with a tied output runs as is in llama.cpp; the file
/// with a separate output and mixed tensor types (Q4_K, Q5_K, Q6_K, Q8_0, Q4_0, Q4_1, F16,
/// BF16) and the one with Q5_0/Q5_1 tensors (tied to a Q5_1 embedding) are compared with
/// llama.cpp on their weights dequantized to F32, which is what this decoder computes with
/// `precision: .float` (exactly decoded weights, f32 activations and KV cache).
@Suite("Qwen2 against llama.cpp")
struct Qwen2ReferenceTests {
    /// |Δlogit| allowed on every logit (logits here spread over about ±20).
    static let tolerance: Float = 1e-3

    struct Fixture: Decodable {
        var sha256: [String: String]
        var models: [String: Model]
    }

    struct Model: Decodable {
        var prompts: [Prompt]
    }

    struct Prompt: Decodable {
        var name: String
        var kind: String
        var user_text: String
        var text: String
        var tokens: [Int32]
        var last_logits: [Float]
        var mid_position: Int
        var mid_logits: [Float]
        var greedy: [Int32]
        var greedy_margins: [Float]
    }

    static let fixture: Fixture? = {
        guard let url = Bundle.module.url(forResource: "reference_qwen2", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Fixture.self, from: data)
    }()

    static let referenceModels = ["qwen2-tiny-f32-tied.gguf", "qwen2-tiny-mixed.gguf", "qwen2-tiny-q5.gguf"]
    static let promptNames = ["fox_raw", "sea_chat", "numbers_cjk_raw"]

    /// The repository's `scripts/reference/make_qwen2_fixture.py` (this file's folder may be a symlink).
    static var script: String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/reference/make_qwen2_fixture.py").path
    }

    /// Writes the fixture's GGUF files into a new temporary folder (with `dequantized`, also
    /// gguf-py's values for the Q5 file: `<tensor>.source.f32`, `<tensor>.gguf-py.f32`), checks
    /// they are the files the fixture was made from, runs `body` on the folder and removes it.
    static func withModels<T>(dequantized: Bool = false, _ body: (URL) throws -> T) throws -> T {
        let fixture = try #require(fixture, "Fixtures/reference_qwen2.json missing or unreadable")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lwdata-qwen2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--models-only", folder.path] + (dequantized ? ["--dequantized"] : [])
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0,
                     "\(script) failed (needs python3 with numpy and gguf, see scripts/test.sh): \(complaint)")
        let hashes = try JSONDecoder().decode([String: String].self, from: printed)
        try #require(hashes == fixture.sha256,
                     "the script wrote other files than the fixture was made from (numpy/gguf version?): \(hashes)")
        return try body(folder)
    }

    static func prompts(of model: String) throws -> [Prompt] {
        try #require(fixture?.models[model], "no \(model) in the fixture").prompts
    }

    static func maxDifference(_ ours: [Float], _ reference: [Float]) -> Float {
        zip(ours, reference).map { abs($0 - $1) }.max() ?? .infinity
    }

    static func argmax(_ logits: [Float]) -> Int32 {
        Int32(logits.indices.max { logits[$0] < logits[$1] }!)
    }

    @Test("every layout loads as qwen2: tied output, separate output.weight with K-quants, Q5_0/Q5_1")
    func configuration() throws {
        try Self.withModels { folder in
            for name in Self.referenceModels {
                let model = try LanguageModel(path: folder.appendingPathComponent(name).path)
                let c = model.model.configuration
                #expect(c.architecture == "qwen2")
                #expect((c.blockCount, c.embeddingLength, c.headCount, c.headCountKV) == (2, 256, 4, 2))
                #expect(c.ropePairing == .halves)
                #expect(model.description.hasPrefix("qwen2 (2 layers"))
            }
        }
    }

    @Test("the qwen2 pre-tokenizer and ChatML give llama.cpp's tokens")
    func tokens() throws {
        try Self.withModels { folder in
            let model = try LanguageModel(path: folder.appendingPathComponent("qwen2-tiny-mixed.gguf").path)
            for prompt in try Self.prompts(of: "qwen2-tiny-mixed.gguf") {
                #expect(model.tokenizer.encode(prompt.text, parseSpecial: true) == prompt.tokens, "\(prompt.name)")
                if prompt.kind == "chat" {
                    #expect(model.promptTokens([ChatMessage(role: "user", content: prompt.user_text)]) == prompt.tokens,
                            "\(prompt.name) through the chat template")
                }
            }
        }
    }

    @Test("logits at the last and middle prompt positions match llama.cpp on the whole vocabulary",
          arguments: referenceModels, promptNames)
    func logits(model name: String, prompt promptName: String) throws {
        try Self.withModels { folder in
            let prompt = try #require(try Self.prompts(of: name).first { $0.name == promptName })
            let model = try LlamaModel(path: folder.appendingPathComponent(name).path, precision: .float)
            let rows = try model.forwardReturningAllLogits(tokens: prompt.tokens, cache: model.makeCache(capacity: 256))
            let last = Self.maxDifference(rows[rows.count - 1], prompt.last_logits)
            let mid = Self.maxDifference(rows[prompt.mid_position], prompt.mid_logits)
            #expect(last <= Self.tolerance, "\(name) \(promptName): last position differs by \(last)")
            #expect(mid <= Self.tolerance, "\(name) \(promptName): middle position differs by \(mid)")
        }
    }

    @Test("greedy continuation token by token is llama.cpp's", arguments: referenceModels, promptNames)
    func greedy(model name: String, prompt promptName: String) throws {
        try Self.withModels { folder in
            let prompt = try #require(try Self.prompts(of: name).first { $0.name == promptName })
            // Every reference step is decided by more than our error, so the paths must not part.
            #expect(prompt.greedy_margins.allSatisfy { $0 > 2 * Self.tolerance })
            let model = try LlamaModel(path: folder.appendingPathComponent(name).path, precision: .float)
            let cache = try model.makeCache(capacity: 256)
            var logits = try model.forward(tokens: prompt.tokens, cache: cache)
            var path: [Int32] = []
            for _ in prompt.greedy.indices {
                let next = Self.argmax(logits)
                path.append(next)
                logits = try model.forward(tokens: [next], cache: cache)
            }
            #expect(path == prompt.greedy)
        }
    }

    @Test("an unsupported architecture is an error naming it and the supported ones")
    func unsupportedArchitecture() throws {
        try Self.withModels { folder in
            let path = folder.appendingPathComponent("qwen2-tiny-mamba.gguf").path
            #expect(throws: ModelError.unsupportedArchitecture(path: path, architecture: "mamba")) {
                try LanguageModel(path: path)
            }
            let message = ModelError.unsupportedArchitecture(path: path, architecture: "mamba").description
            #expect(message.contains("'mamba' is not supported") && message.contains("llama, qwen2"))
        }
    }

    @Test("a tensor type the decoder cannot read is an error naming the tensor, the type and the readable ones")
    func unsupportedTensorType() throws {
        try Self.withModels { folder in
            let path = folder.appendingPathComponent("qwen2-tiny-iq4_nl.gguf").path
            let expected = GGUFError.unknownTensorType(path: path, tensor: "blk.0.attn_q.weight", type: 20)
            #expect(throws: expected) { try LanguageModel(path: path) }
            let message = expected.description
            #expect(message.contains("tensor 'blk.0.attn_q.weight' has unsupported type 20 (IQ4_NL)"), "\(message)")
            #expect(message.contains("this decoder reads F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K, BF16"), "\(message)")
        }
    }
}
