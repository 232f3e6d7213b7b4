import Messages
import Foundation
import Logging

/// A generator that can hand out its text as it is produced.
public protocol StreamingTextGenerator: TextGenerator {
    func generate(_ messages: [ChatMessage], parameters: GenerationParameters,
                  onText: @escaping @Sendable (String) -> Void) async throws -> GenerationOutput
}

/// Serves a generator as an OpenAI-compatible API: `POST /v1/chat/completions` (plain and SSE
/// streaming), `GET /v1/models`, `GET /health`. Bad requests get a 4xx with a JSON error body.
public final class OpenAIServer: @unchecked Sendable {
    // @unchecked: `requestCounter` is guarded by `lock`; everything else is immutable.
    public let generator: StreamingTextGenerator
    public let modelName: String
    public let defaultMaxTokens: Int
    /// The model's context in tokens: a larger `max_tokens` is refused, as vLLM and OpenAI do.
    public let contextTokens: Int?
    private let logger: Logger
    private var requestCounter = 0
    private let lock = NSLock()

    public init(generator: StreamingTextGenerator, modelName: String, defaultMaxTokens: Int = 1024,
                contextTokens: Int? = nil, logger: Logger = Logger(label: "lwdata.serve")) {
        self.contextTokens = contextTokens
        self.generator = generator
        self.modelName = modelName
        self.defaultMaxTokens = defaultMaxTokens
        self.logger = logger
    }

    /// The HTTP handler to give an `HTTPServer`.
    public var handler: HTTPServer.Handler {
        { [self] request, responder in await handle(request, responder) }
    }

    private func handle(_ request: HTTPRequest, _ responder: HTTPResponder) async {
        switch (request.method, request.path) {
        case ("GET", "/health"):
            responder.sendJSON(status: 200, ["status": "ok", "model": modelName])
        case ("GET", "/v1/models"):
            responder.sendJSON(status: 200, ModelList(data: [.init(id: modelName, object: "model", created: 0, owned_by: "lwdata")]))
        case ("POST", "/v1/chat/completions"):
            await chatCompletions(request, responder)
        case (_, "/health"), (_, "/v1/models"), (_, "/v1/chat/completions"):
            responder.sendError(status: 405, message: "method \(request.method) is not allowed on \(request.path)")
        default:
            responder.sendError(status: 404, message: "no route \(request.method) \(request.path)")
        }
    }

    private func chatCompletions(_ request: HTTPRequest, _ responder: HTTPResponder) async {
        let body: OpenAIWire.ChatRequest
        do {
            body = try JSONDecoder().decode(OpenAIWire.ChatRequest.self, from: request.body)
        } catch {
            responder.sendError(status: 400, message: "the body is not a valid chat completion request: \(Self.decodingMessage(error))")
            return
        }
        let parameters: GenerationParameters
        do {
            parameters = try validate(body)
        } catch let error as RequestError {
            responder.sendError(status: 400, message: error.message)
            return
        } catch {
            responder.sendError(status: 400, message: "\(error)")
            return
        }
        let messages = body.messages.map { ChatMessage(role: $0.role, content: $0.content) }
        let id = nextID()
        let created = Int(Date().timeIntervalSince1970)
        if body.stream == true {
            responder.startStream(status: 200, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"])
            let first = OpenAIWire.StreamChunk(id: id, object: "chat.completion.chunk", created: created, model: modelName,
                                               choices: [.init(index: 0, delta: .init(role: "assistant", content: ""), finish_reason: nil)])
            responder.write(Self.event(first))
            do {
                let output = try await generator.generate(messages, parameters: parameters) { [modelName] piece in
                    let chunk = OpenAIWire.StreamChunk(id: id, object: "chat.completion.chunk", created: created, model: modelName,
                                                       choices: [.init(index: 0, delta: .init(role: nil, content: piece), finish_reason: nil)])
                    responder.write(Self.event(chunk))
                }
                let last = OpenAIWire.StreamChunk(id: id, object: "chat.completion.chunk", created: created, model: modelName,
                                                  choices: [.init(index: 0, delta: .init(role: nil, content: nil), finish_reason: output.finishReason.rawValue)],
                                                  usage: Self.usage(output))
                responder.write(Self.event(last))
            } catch {
                responder.write(Data("data: {\"error\":{\"message\":\(Self.quote("\(error)"))}}\n\n".utf8))
            }
            responder.write(Data("data: [DONE]\n\n".utf8))
            responder.finish()
            return
        }
        do {
            let output = try await generator.generate(messages, parameters: parameters)
            if output.finishReason == .error {
                responder.sendError(status: 500, message: output.error ?? "generation failed", type: "server_error")
                return
            }
            let response = OpenAIWire.ChatResponse(
                id: id, object: "chat.completion", created: created, model: modelName,
                choices: [.init(index: 0, message: .init(role: "assistant", content: output.text), finish_reason: output.finishReason.rawValue)],
                usage: Self.usage(output))
            responder.sendJSON(status: 200, response)
        } catch let error as RejectedRequest {
            responder.sendError(status: 400, message: error.clientMessage)
        } catch {
            responder.sendError(status: 500, message: "\(error)", type: "server_error")
        }
    }

    private struct RequestError: Error { let message: String }

    private func validate(_ body: OpenAIWire.ChatRequest) throws -> GenerationParameters {
        guard !body.messages.isEmpty else { throw RequestError(message: "messages must not be empty") }
        for (i, message) in body.messages.enumerated() where !["system", "user", "assistant"].contains(message.role) {
            throw RequestError(message: "messages[\(i)].role must be system, user or assistant (got '\(message.role)')")
        }
        let maxTokens = body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens
        guard maxTokens > 0 else { throw RequestError(message: "max_tokens must be positive") }
        if let contextTokens, maxTokens > contextTokens {
            throw RequestError(message: "max_tokens is \(maxTokens), more than this model's maximum context length of \(contextTokens) tokens; reduce max_tokens")
        }
        if let n = body.n, n != 1 {
            throw RequestError(message: "n must be 1: this server returns one choice per request (got n=\(n)); send \(n) requests instead")
        }
        let temperature = body.temperature ?? 1.0
        guard (0...2).contains(temperature) else { throw RequestError(message: "temperature must be between 0 and 2") }
        let topP = body.top_p ?? 1.0
        guard topP > 0 && topP <= 1 else { throw RequestError(message: "top_p must be in (0, 1]") }
        var format = OutputFormat.text
        if let regex = body.guided_regex { format = .regex(regex) }
        if let rf = body.response_format {
            switch rf.type {
            case "text": break
            case "json_schema":
                guard let schema = rf.json_schema else { throw RequestError(message: "response_format.json_schema is required for type json_schema") }
                format = .jsonSchema(name: schema.name, schema: schema.schema.text)
            case "json_object":
                format = .jsonSchema(name: "object", schema: #"{"type":"object"}"#)
            default:
                throw RequestError(message: "response_format.type must be text, json_schema or json_object (got '\(rf.type)')")
            }
        }
        return GenerationParameters(temperature: temperature, topP: topP, topK: body.top_k ?? 0, minP: body.min_p ?? 0,
                                    repetitionPenalty: body.repetition_penalty ?? 1, frequencyPenalty: body.frequency_penalty ?? 0,
                                    presencePenalty: body.presence_penalty ?? 0, maxTokens: maxTokens,
                                    minTokens: body.min_tokens ?? 0, stop: body.stop?.values ?? [], seed: body.seed ?? 0,
                                    responseFormat: format)
    }

    private func nextID() -> String {
        lock.withLock {
            requestCounter += 1
            return "chatcmpl-lwdata-\(requestCounter)"
        }
    }

    static func usage(_ output: GenerationOutput) -> OpenAIWire.Usage {
        .init(prompt_tokens: output.promptTokens, completion_tokens: output.completionTokens,
              total_tokens: output.promptTokens + output.completionTokens)
    }

    static func event(_ chunk: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let json = (try? encoder.encode(chunk)) ?? Data("{}".utf8)
        return Data("data: ".utf8) + json + Data("\n\n".utf8)
    }

    static func quote(_ s: String) -> String {
        String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    static func decodingMessage(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "\(error)"
        }
    }

    struct ModelList: Encodable {
        struct Model: Encodable { let id: String; let object: String; let created: Int; let owned_by: String }
        let object = "list"
        let data: [Model]
    }
}
