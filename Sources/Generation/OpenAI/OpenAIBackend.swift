import Messages
import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Errors that stop a backend from being used at all (as opposed to one failed request).
public enum GenerationError: Error, CustomStringConvertible, Sendable {
    case missingAPIKey(variable: String)
    case invalidURL(String)

    public var description: String {
        switch self {
        case .missingAPIKey(let variable): return "the environment variable \(variable) (named by api_key_env) is not set"
        case .invalidURL(let url): return "invalid base_url '\(url)'"
        }
    }
}

/// `TextGenerator` for OpenAI-compatible servers (vLLM, SGLang, llama.cpp's server, hosted APIs):
/// `POST {base_url}/v1/chat/completions` with limits, retries and backoff.
public final class OpenAIBackend: TextGenerator, @unchecked Sendable {
    // @unchecked: immutable configuration, a URLSession (thread-safe) and a RateLimiter that locks its own state.
    public let config: OpenAIBackendConfig
    /// Names the model and server, and the extra request fields (they change the answers, so cached answers follow them).
    public var identity: String {
        "openai:\(config.model)@\(config.baseURL)" + (config.extraBody.map { " extra_body=\($0.text)" } ?? "")
            + (config.minTokens == .field ? "" : " min_tokens=\(config.minTokens.rawValue)")
    }
    private let endpoint: URL
    private let apiKey: String?
    private let session: URLSession
    private let limiter: RateLimiter
    private let retry: RetryPolicy
    private let contextLimit: ServerContextLimit
    private let logger: Logger

    public init(config: OpenAIBackendConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "lwdata.openai")) throws {
        self.config = config
        guard let endpoint = config.endpoint, endpoint.scheme == "http" || endpoint.scheme == "https" else {
            throw GenerationError.invalidURL(config.baseURL)
        }
        self.endpoint = endpoint
        if let variable = config.apiKeyEnvironmentVariable {
            guard let key = environment[variable], !key.isEmpty else { throw GenerationError.missingAPIKey(variable: variable) }
            apiKey = key
        } else {
            apiKey = nil
        }
        let sessionConfig = URLSessionConfiguration.ephemeral
        sessionConfig.timeoutIntervalForRequest = config.timeout
        sessionConfig.timeoutIntervalForResource = config.timeout
        sessionConfig.httpMaximumConnectionsPerHost = max(1, config.concurrency)
        session = URLSession(configuration: sessionConfig)
        limiter = RateLimiter(concurrency: config.concurrency, requestsPerMinute: config.requestsPerMinute,
                              tokensPerMinute: config.tokensPerMinute)
        retry = RetryPolicy(maxRetries: config.maxRetries, base: config.backoffBase, cap: config.backoffMax)
        contextLimit = ServerContextLimit(url: config.boundByServerContext ? config.modelsEndpoint : nil, model: config.model,
                                          session: session, authorization: apiKey.map { "Bearer \($0)" })
        self.logger = logger
    }

    public func generate(_ messages: [ChatMessage], parameters: GenerationParameters) async throws -> GenerationOutput {
        if config.minTokens == .ignoreEOS, parameters.minTokens > 0, parameters.responseFormat == .text {
            return try await generateHoldingEnd(messages, parameters)
        }
        return try await complete(messages, parameters)
    }

    /// One chat completion, retried as the policy says; `fields` are added to the body before the
    /// stage's and the model's `extra_body` (the request's own fields still win).
    func complete(_ messages: [ChatMessage], _ parameters: GenerationParameters, fields: RawJSON? = nil) async throws -> GenerationOutput {
        let started = Date()
        var parameters = parameters
        if let length = await contextLimit.maxModelLength() {
            // vLLM refuses (HTTP 400) a request whose prompt plus max_tokens exceeds max_model_len.
            let prompt = ServerContextLimit.estimatePromptTokens(messages.map(\.content))
            let bounded = ServerContextLimit.bound(parameters.maxTokens, promptTokens: prompt, contextLength: length)
            guard bounded >= 1 else {
                return GenerationOutput(text: "", finishReason: .error, promptTokens: 0, completionTokens: 0, seconds: 0,
                                        error: "the prompt (about \(prompt) tokens) leaves no room for an answer within the server's max_model_len \(length)")
            }
            parameters.maxTokens = bounded
        }
        let body = try Self.body(Self.request(messages, parameters, model: config.model),
                                 extra: [fields, parameters.extraBody.map(RawJSON.init(text:)), config.extraBody].compactMap { $0 })
        let estimate = messages.reduce(0) { $0 + $1.content.utf8.count / 4 } + parameters.maxTokens
        var lastError = ""
        for attempt in 0...retry.maxRetries {
            try Task.checkCancellation()
            if attempt > 0 {
                let wait = retry.delay(attempt: attempt, retryAfter: nil)
                try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
            }
            await limiter.acquire(tokens: estimate)
            let outcome = await send(body)
            await limiter.release()
            switch outcome {
            case .success(var output):
                output.seconds = Date().timeIntervalSince(started)
                output.retries = attempt
                return output
            case .retryable(let message, let retryAfter):
                lastError = message
                logger.warning("\(identity): attempt \(attempt + 1) failed: \(message)")
                if let retryAfter, attempt < retry.maxRetries {
                    try await Task.sleep(nanoseconds: UInt64(retry.delay(attempt: attempt + 1, retryAfter: retryAfter) * 1e9))
                }
            case .fatal(let message):
                return GenerationOutput(text: "", finishReason: .error, promptTokens: 0, completionTokens: 0,
                                        seconds: Date().timeIntervalSince(started), error: message, retries: attempt)
            }
        }
        return GenerationOutput(text: "", finishReason: .error, promptTokens: 0, completionTokens: 0,
                                seconds: Date().timeIntervalSince(started),
                                error: "gave up after \(retry.maxRetries + 1) attempts: \(lastError)", retries: retry.maxRetries)
    }

    private enum Outcome {
        case success(GenerationOutput)
        case retryable(String, retryAfter: Double?)
        case fatal(String)
    }

    private func send(_ body: Data) async -> Outcome {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            return .retryable("\(endpoint.absoluteString): \(Self.describe(error))", retryAfter: nil)
        } catch {
            return .retryable("\(endpoint.absoluteString): \(error.localizedDescription)", retryAfter: nil)
        }
        guard let http = response as? HTTPURLResponse else { return .retryable("not an HTTP response", retryAfter: nil) }
        let snippet = String(decoding: data.prefix(300), as: UTF8.self)
        switch http.statusCode {
        case 200..<300:
            break
        case 429, 500...599:
            let after = RetryPolicy.parseRetryAfter(http.value(forHTTPHeaderField: "Retry-After"))
            return .retryable("HTTP \(http.statusCode): \(snippet)", retryAfter: after)
        default:
            return .fatal("HTTP \(http.statusCode): \(snippet)")
        }
        guard let parsed = try? JSONDecoder().decode(OpenAIWire.ChatResponse.self, from: data), let choice = parsed.choices.first else {
            return .retryable("malformed response (not a chat completion): \(snippet)", retryAfter: nil)
        }
        let reason: FinishReason = choice.finish_reason == "length" ? .length : .stop
        return .success(GenerationOutput(text: choice.message.content, finishReason: reason,
                                         promptTokens: parsed.usage?.prompt_tokens ?? 0,
                                         completionTokens: parsed.usage?.completion_tokens ?? 0, seconds: 0))
    }

    /// The request as JSON, with the fields of each of `extra` (JSON objects, the first taking
    /// precedence) that the request does not set itself.
    static func body(_ request: OpenAIWire.ChatRequest, extra: [RawJSON]) throws -> Data {
        let encoded = try JSONEncoder().encode(request)
        guard !extra.isEmpty, var object = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else { return encoded }
        for added in extra {
            guard let fields = try JSONSerialization.jsonObject(with: Data(added.text.utf8)) as? [String: Any] else { continue }
            object.merge(fields) { earlier, _ in earlier }
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func request(_ messages: [ChatMessage], _ p: GenerationParameters, model: String) -> OpenAIWire.ChatRequest {
        OpenAIWire.ChatRequest(model: model, messages: messages.map { .init(role: $0.role, content: $0.content) },
                               temperature: p.temperature, top_p: p.topP, max_tokens: p.maxTokens, max_completion_tokens: nil,
                               stop: p.stop.isEmpty ? nil : .many(p.stop), seed: p.seed, stream: false,
                               response_format: p.responseFormat.wireBody,
                               frequency_penalty: p.frequencyPenalty == 0 ? nil : p.frequencyPenalty,
                               presence_penalty: p.presencePenalty == 0 ? nil : p.presencePenalty,
                               top_k: p.topK > 0 ? p.topK : nil, min_p: p.minP > 0 ? p.minP : nil,
                               repetition_penalty: p.repetitionPenalty == 1 ? nil : p.repetitionPenalty,
                               min_tokens: p.minTokens > 0 ? p.minTokens : nil,
                               guided_regex: p.responseFormat.guidedRegex)
    }

    static func describe(_ error: URLError) -> String {
        switch error.code {
        case .timedOut: return "timed out"
        case .networkConnectionLost: return "connection dropped"
        case .cannotConnectToHost: return "cannot connect"
        default: return "network error \(error.code.rawValue)"
        }
    }
}
