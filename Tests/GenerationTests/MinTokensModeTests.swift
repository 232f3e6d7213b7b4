import Foundation
import Messages
import Testing
@testable import Generation

/// `min_tokens: ignore_eos` for servers without `min_tokens` (llama.cpp's llama-server): the first
/// `min_tokens` tokens under `ignore_eos`, then the answer continued and free to end; and a
/// request's own `extra_body` (a stage's) over the model's. The fault server answers as such a
/// server does: it ends at once unless told `ignore_eos`.
@Suite struct MinTokensModeTests {
    let tag = UUID().uuidString

    func backend(_ server: FaultServer, _ mode: MinTokensMode, extra: String? = nil) throws -> OpenAIBackend {
        var config = OpenAIBackendConfig(baseURL: server.baseURL, model: "m")
        config.maxRetries = 0
        config.minTokens = mode
        config.extraBody = extra.map(RawJSON.init(text:))
        return try OpenAIBackend(config: config)
    }

    func ask(_ backend: OpenAIBackend, _ scenario: String, _ parameters: GenerationParameters) async throws -> GenerationOutput {
        try await backend.generate([ChatMessage(role: "user", content: scenario + "#" + tag)], parameters: parameters)
    }

    @Test(arguments: ["no-min-tokens-echo", "no-min-tokens"])
    func theEndIsHeldBackForMinTokensThenTheAnswerContinues(scenario: String) async throws {
        let server = try FaultServer()
        let client = try backend(server, .ignoreEOS)
        #expect(client.identity.hasSuffix(" min_tokens=ignore_eos"))
        let output = try await ask(client, scenario, GenerationParameters(maxTokens: 30, minTokens: 20, seed: 7))
        let twenty = Array(repeating: "word", count: 20).joined(separator: " ")
        #expect(output.text == twenty + " and the end.", "one answer, the continued text once (echoed or not)")
        #expect(output.finishReason == .stop && output.completionTokens == 24 && output.promptTokens == 14)
        let bodies = server.requestBodies(scenario + "#" + tag)
        try #require(bodies.count == 2)
        #expect(bodies[0]["ignore_eos"] as? Bool == true && bodies[0]["max_tokens"] as? Int == 20 && bodies[0]["min_tokens"] == nil)
        #expect(bodies[1]["ignore_eos"] == nil && bodies[1]["max_tokens"] as? Int == 10 && bodies[1]["min_tokens"] == nil)
        #expect(bodies[1]["continue_final_message"] as? Bool == true && bodies[1]["add_generation_prompt"] as? Bool == false)
        let messages = try #require(bodies[1]["messages"] as? [[String: Any]])
        #expect(messages.count == 2 && messages[1]["role"] as? String == "assistant" && messages[1]["content"] as? String == twenty)
        #expect(bodies[1]["seed"] as? Int == 7)
    }

    @Test func withoutTheModeOrTheMinimumOneRequestIsSent() async throws {
        let server = try FaultServer()
        // vLLM's field: the server here ignores it and ends at once, as llama-server did in the bench.
        let field = try await ask(try backend(server, .field), "no-min-tokens", GenerationParameters(maxTokens: 30, minTokens: 20))
        #expect(field.text == "Short.")
        // No minimum asked, or a minimum as large as the budget: one request.
        let free = try await ask(try backend(server, .ignoreEOS), "no-min-tokens", GenerationParameters(maxTokens: 30))
        #expect(free.text == "Short.")
        let whole = try await ask(try backend(server, .ignoreEOS), "no-min-tokens", GenerationParameters(maxTokens: 12, minTokens: 12))
        #expect(whole.finishReason == .length && whole.completionTokens == 12)
        let bodies = server.requestBodies("no-min-tokens#" + tag)
        #expect(bodies.count == 3)
        #expect(bodies[0]["min_tokens"] as? Int == 20 && bodies[0]["ignore_eos"] == nil)
        #expect(bodies[1]["min_tokens"] == nil && bodies[1]["ignore_eos"] == nil)
        #expect(bodies[2]["ignore_eos"] as? Bool == true && bodies[2]["max_tokens"] as? Int == 12)
    }

    @Test func aRequestsExtraBodyWinsOverTheModelsAndLwdatasOwnFieldsWinOverBoth() async throws {
        let server = try FaultServer()
        let client = try backend(server, .field, extra: #"{"top_k": 40, "repeat_penalty": 1.1, "n_probs": 2}"#)
        let parameters = GenerationParameters(maxTokens: 64, extraBody: #"{"top_k": 5, "ignore_eos": true, "max_tokens": 1}"#)
        _ = try await ask(client, "stage-extra", parameters)
        let body = try #require(server.requestBodies("stage-extra#" + tag).first)
        #expect(body["top_k"] as? Int == 5 && body["ignore_eos"] as? Bool == true, "the stage's fields")
        #expect(body["repeat_penalty"] as? Double == 1.1 && body["n_probs"] as? Int == 2, "the model's fields the stage does not set")
        #expect(body["max_tokens"] as? Int == 64, "lwdata's own max_tokens")
    }
}
