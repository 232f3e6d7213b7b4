import Decoder
import Foundation
import Messages
import Testing
@testable import Generation

/// What a vLLM server needs from the client: `max_tokens` within `max_model_len`, vLLM's extra
/// fields passed through, `finish_reason: length` as truncation. The fault server answers as vLLM does.
@Suite struct VLLMCompatibilityTests {
    let tag = UUID().uuidString

    func backend(_ server: FaultServer, configure: (inout OpenAIBackendConfig) -> Void = { _ in }) throws -> OpenAIBackend {
        var config = OpenAIBackendConfig(baseURL: server.baseURL, model: "m")
        config.maxRetries = 0
        configure(&config)
        return try OpenAIBackend(config: config)
    }

    func ask(_ backend: OpenAIBackend, _ scenario: String, maxTokens: Int, padding: Int = 0) async throws -> GenerationOutput {
        try await backend.generate([ChatMessage(role: "system", content: String(repeating: "x", count: padding)),
                                    ChatMessage(role: "user", content: scenario + "#" + tag)],
                                   parameters: GenerationParameters(maxTokens: maxTokens))
    }

    @Test func maxTokensIsBoundedByTheServersMaxModelLen() async throws {
        let server = try FaultServer(maxModelLength: 4096)
        let output = try await ask(try backend(server), "bounded", maxTokens: 100_000, padding: 3000)
        #expect(output.finishReason == .stop, "\(output.error ?? "")")
        let sent = server.requestBodies("bounded#" + tag).first?["max_tokens"] as? Int ?? 0
        let prompt = ServerContextLimit.estimatePromptTokens([String(repeating: "x", count: 3000), "bounded#" + tag])
        #expect(sent == 4096 - prompt && prompt > 1000, "sent max_tokens \(sent), prompt estimate \(prompt)")

        // Unbounded, vLLM refuses the request, and a 400 is not retried.
        let unbounded = try await ask(try backend(server) { $0.boundByServerContext = false }, "unbounded", maxTokens: 100_000)
        #expect(unbounded.finishReason == .error && unbounded.error?.contains("maximum context length is 4096") == true)

        // A prompt that leaves no room is an error without a request.
        let full = try await ask(try backend(server), "full", maxTokens: 100, padding: 13_000)
        #expect(full.finishReason == .error && full.error?.contains("max_model_len 4096") == true, "\(full.error ?? "")")
        #expect(server.attemptTimes("full#" + tag).isEmpty)
    }

    @Test func aServerWithoutMaxModelLenLeavesMaxTokensAlone() async throws {
        let server = try FaultServer()
        let output = try await ask(try backend(server), "plain", maxTokens: 100_000)
        #expect(output.finishReason == .stop)
        #expect(server.requestBodies("plain#" + tag).first?["max_tokens"] as? Int == 100_000)
    }

    @Test func extraBodyFieldsArePassedThroughAndOwnFieldsWin() async throws {
        let server = try FaultServer(maxModelLength: 8192)
        let extra = #"{"min_tokens": 50, "repetition_penalty": 1.05, "top_k": 20, "max_tokens": 5,"#
            + #" "structured_outputs": {"regex": "[a-z]+"}, "guided_json": {"type": "object"}}"#
        let client = try backend(server) { $0.extraBody = RawJSON(text: extra) }
        let output = try await ask(client, "extra", maxTokens: 64)
        #expect(output.finishReason == .stop)
        let body = try #require(server.requestBodies("extra#" + tag).first)
        #expect(body["min_tokens"] as? Int == 50 && body["top_k"] as? Int == 20)
        #expect(body["repetition_penalty"] as? Double == 1.05)
        #expect((body["structured_outputs"] as? [String: Any])?["regex"] as? String == "[a-z]+")
        #expect((body["guided_json"] as? [String: Any])?["type"] as? String == "object")
        #expect(body["max_tokens"] as? Int == 64, "the request's own max_tokens wins over extra_body's")
        #expect(body["model"] as? String == "m" && (body["messages"] as? [Any])?.count == 2)
    }

    @Test func finishReasonLengthIsTruncation() async throws {
        let server = try FaultServer(maxModelLength: 8192)
        let cut = try await ask(try backend(server), "length", maxTokens: 64)
        #expect(cut.finishReason == .length && cut.text == "cut off mid")
    }
}
