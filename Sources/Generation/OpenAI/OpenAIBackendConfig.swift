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
}
