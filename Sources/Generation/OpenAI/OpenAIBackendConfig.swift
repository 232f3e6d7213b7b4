import Foundation

/// How to reach an OpenAI-compatible server (`backend: openai` in a pipeline file).
public struct OpenAIBackendConfig: Sendable, Equatable, Hashable {
    /// e.g. `http://gpu-node:8000` (vLLM), `http://127.0.0.1:8080` (llama.cpp's server); `/v1/chat/completions` is appended.
    public var baseURL: String
    public var model: String
    /// The NAME of the environment variable that holds the API key; the key itself is never stored or logged.
    public var apiKeyEnvironmentVariable: String?
    /// Requests in flight at once.
    public var concurrency: Int = 8
    /// Requests per minute (0: no limit).
    public var requestsPerMinute: Int = 0
    /// Estimated prompt + completion tokens per minute (0: no limit).
    public var tokensPerMinute: Int = 0
    /// Retries after the first attempt on 429, 5xx, timeouts, dropped connections and malformed answers.
    public var maxRetries: Int = 4
    /// First backoff delay in seconds; doubles each retry, with full jitter.
    public var backoffBase: Double = 0.5
    /// Longest backoff delay in seconds.
    public var backoffMax: Double = 30
    /// Seconds one request may take.
    public var timeout: Double = 600
    /// A JSON object whose fields are added to every request body, as the `openai` client's
    /// `extra_body` does: vLLM's sampling fields (`min_tokens`, `repetition_penalty`, `top_k`,
    /// `seed`, …) and structured-output fields (`structured_outputs`, or `guided_json` /
    /// `guided_regex` before vLLM 0.12). Fields lwdata sets itself for a request take precedence.
    public var extraBody: RawJSON?
    /// How a request's `min_tokens` reaches the server: vLLM's field, or, for servers without it
    /// (llama.cpp's llama-server), `ignore_eos` for that many tokens and then a continuation.
    public var minTokens: MinTokensMode = .field
    /// Bound `max_tokens` by the server's context: `max_model_len` from `GET /v1/models` (vLLM),
    /// asked once, less an estimate of the prompt.
    public var boundByServerContext = true

    public init(baseURL: String, model: String, apiKeyEnvironmentVariable: String? = nil) {
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
    }

    /// The chat-completions endpoint.
    public var endpoint: URL? {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        return URL(string: base + "/v1/chat/completions")
    }

    /// The model list endpoint (`/v1/models`).
    public var modelsEndpoint: URL? {
        endpoint.flatMap { URL(string: $0.absoluteString.replacingOccurrences(of: "/v1/chat/completions", with: "/v1/models")) }
    }
}
