import Foundation
import Messages

/// How the openai backend asks a server not to end an answer before `min_tokens` tokens
/// (`model.min_tokens` in a pipeline file).
public enum MinTokensMode: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Send `min_tokens` (vLLM, SGLang, `lwdata serve`).
    case field
    /// For servers without `min_tokens` (llama.cpp's llama-server ignores it): the first
    /// `min_tokens` tokens are asked with `ignore_eos: true` and `max_tokens: min_tokens`, then the
    /// answer is continued (the text so far as a final assistant message, `continue_final_message:
    /// true`, `add_generation_prompt: false`) for the rest of `max_tokens`, free to end. The two
    /// replies are one answer (one call, their tokens summed), as with `min_tokens`.
    case ignoreEOS = "ignore_eos"
}

extension OpenAIBackend {
    /// `parameters.minTokens` held as `MinTokensMode.ignoreEOS` says: a request that may not end,
    /// then one that continues its text and may.
    func generateHoldingEnd(_ messages: [ChatMessage], _ parameters: GenerationParameters) async throws -> GenerationOutput {
        let started = Date()
        var first = parameters
        first.minTokens = 0
        first.maxTokens = min(parameters.minTokens, parameters.maxTokens)
        let head = try await complete(messages, first, fields: RawJSON(text: #"{"ignore_eos":true}"#))
        // A reply cut at max_tokens spent them all (a server that reports no usage says 0).
        let spent = head.completionTokens > 0 ? head.completionTokens : first.maxTokens
        // Ended before the minimum anyway (a stop string, an error, a server without ignore_eos), or the whole budget is spent.
        guard head.finishReason == .length, !head.text.isEmpty, spent < parameters.maxTokens else { return head }
        var rest = parameters
        rest.minTokens = 0
        rest.maxTokens = parameters.maxTokens - spent
        let tail = try await complete(messages + [ChatMessage(role: "assistant", content: head.text)], rest,
                                      fields: RawJSON(text: #"{"add_generation_prompt":false,"continue_final_message":true}"#))
        guard tail.finishReason != .error else { return tail }
        // llama-server answers with the continued message whole (the text given, then the new
        // text); vLLM with the new text only.
        let text = tail.text.hasPrefix(head.text) ? tail.text : head.text + tail.text
        return GenerationOutput(text: text, finishReason: tail.finishReason, promptTokens: head.promptTokens + tail.promptTokens,
                                completionTokens: head.completionTokens + tail.completionTokens,
                                seconds: Date().timeIntervalSince(started), retries: head.retries + tail.retries)
    }
}
