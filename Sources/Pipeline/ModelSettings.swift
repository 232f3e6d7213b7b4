import Generation

/// The `model:` section of a pipeline file: which backend the model stages call.
///
/// ```yaml
/// model:
///   backend: builtin          # or: openai
///   path: /models/x.gguf      # builtin only; default: the installed default model
///   base_url: http://gpu:8000 # openai only
///   name: Qwen/Qwen2.5-7B-Instruct
///   api_key_env: OPENAI_API_KEY
///   extra_body: {top_k: 20}   # openai only: fields added to every request
///   min_tokens: ignore_eos    # openai only: for servers without min_tokens (llama.cpp's llama-server)
/// ```
public struct ModelSettings: Sendable, Equatable {
    public enum Backend: String, Sendable { case builtin, openai }

    public var backend: Backend = .builtin
    /// GGUF file for the built-in decoder (nil: the default model).
    public var path: String?
    /// Chat template for the built-in decoder (`chatml`, `llama3`) when the model's own is not recognised.
    public var chatTemplate: String?
    /// Longest prompt plus answer, in tokens, that stages may build (nil: the model's own context).
    public var contextTokens: Int?
    /// Requests the stages may have in flight together on this backend.
    public var concurrency = 8
    /// Reuse answers stored in `<out>/request-cache.sqlite`.
    public var requestCache = true
    /// Prices per million prompt and generated tokens, for the cost estimate in the build summary
    /// and `lwdata status` (nil: no estimate).
    public var pricePerMillionInput: Double?
    public var pricePerMillionOutput: Double?
    public var openai: OpenAIBackendConfig?

    public static let keys = ["backend", "path", "chat_template", "context_tokens", "concurrency", "request_cache", "base_url", "name",
                              "api_key_env", "input_price_per_million", "output_price_per_million", "requests_per_minute", "tokens_per_minute", "max_retries", "timeout", "extra_body", "min_tokens"]

    public init() {}

    init(_ o: ConfigObject) throws {
        if let b = try o.string("backend") {
            guard let backend = Backend(rawValue: b) else { throw o.document.error(o.sub("backend"), "expected builtin or openai, found '\(b)'") }
            self.backend = backend
        }
        path = try o.string("path")
        chatTemplate = try o.string("chat_template")
        contextTokens = try o.int("context_tokens", range: 256...1_048_576)
        concurrency = try o.int("concurrency", range: 1...1024) ?? concurrency
        requestCache = try o.bool("request_cache") ?? requestCache
        pricePerMillionInput = try o.double("input_price_per_million", range: 0...1_000_000)
        pricePerMillionOutput = try o.double("output_price_per_million", range: 0...1_000_000)
        let openaiKeys = ["base_url", "name", "api_key_env", "requests_per_minute", "tokens_per_minute", "max_retries", "timeout", "extra_body", "min_tokens"]
        switch backend {
        case .builtin:
            if let stray = openaiKeys.first(where: { o.object[$0] != nil }) {
                throw o.document.error(o.sub(stray), "'\(stray)' is for backend: openai")
            }
        case .openai:
            for key in ["path", "chat_template"] where o.object[key] != nil {
                throw o.document.error(o.sub(key), "'\(key)' is for backend: builtin")
            }
            var config = OpenAIBackendConfig(baseURL: try o.string("base_url") ?? "", model: try o.string("name") ?? "",
                                             apiKeyEnvironmentVariable: try o.string("api_key_env"))
            guard !config.baseURL.isEmpty else { throw o.document.error(o.path, "backend openai needs base_url") }
            guard !config.model.isEmpty else { throw o.document.error(o.path, "backend openai needs name (the served model's name)") }
            config.concurrency = concurrency
            config.requestsPerMinute = try o.int("requests_per_minute", range: 0...10_000_000) ?? 0
            config.tokensPerMinute = try o.int("tokens_per_minute", range: 0...1_000_000_000) ?? 0
            config.maxRetries = try o.int("max_retries", range: 0...100) ?? config.maxRetries
            config.timeout = try o.double("timeout", range: 1...86_400) ?? config.timeout
            if let extra = o.object["extra_body"] {
                guard extra.object != nil else { throw o.document.error(o.sub("extra_body"), "expected an object of request fields, found \(extra.jsonString)") }
                config.extraBody = RawJSON(text: extra.jsonString)
            }
            if let mode = try o.string("min_tokens") {
                guard let minTokens = MinTokensMode(rawValue: mode) else {
                    throw o.document.error(o.sub("min_tokens"), "expected field or ignore_eos, found '\(mode)'")
                }
                config.minTokens = minTokens
            }
            openai = config
        }
    }
}
