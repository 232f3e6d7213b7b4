import Foundation
import Generation

/// A loopback OpenAI-compatible server that misbehaves on purpose, for faults a real server
/// cannot be made to produce on demand. The last user message names the scenario.
final class FaultServer: @unchecked Sendable {
    let server: HTTPServer
    private let lock = NSLock()
    private var attempts: [String: [Date]] = [:]
    private(set) var authorizations: [String] = []
    private var bodies: [String: [[String: Any]]] = [:]
    /// When set, the server answers as vLLM serving model "m" with this `max_model_len`: `GET /v1/models`
    /// names it, and a request whose `max_tokens` exceeds it is refused with vLLM's HTTP 400.
    let maxModelLength: Int?

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    init(maxModelLength: Int? = nil) throws {
        self.maxModelLength = maxModelLength
        nonisolated(unsafe) weak var weakSelf: FaultServer?
        server = try HTTPServer(host: "127.0.0.1", port: 0) { request, responder in
            await weakSelf?.handle(request, responder)
        }
        weakSelf = self
        server.start()
    }

    deinit { server.stop() }

    func attemptTimes(_ scenario: String) -> [Date] { lock.withLock { attempts[scenario] ?? [] } }

    /// The JSON bodies received for a (tagged) scenario, as sent.
    func requestBodies(_ scenario: String) -> [[String: Any]] { lock.withLock { bodies[scenario] ?? [] } }

    private func handle(_ request: HTTPRequest, _ responder: HTTPResponder) async {
        if request.method == "GET", request.path == "/v1/models", let maxModelLength {
            // vLLM's shape: an OpenAI model list whose entries add max_model_len.
            let list = #"{"object":"list","data":[{"id":"m","object":"model","created":0,"owned_by":"vllm","root":"m","max_model_len":\#(maxModelLength)}]}"#
            responder.send(status: 200, headers: ["Content-Type": "application/json"], body: Data(list.utf8))
            return
        }
        guard let body = try? JSONDecoder().decode(OpenAIWire.ChatRequest.self, from: request.body),
              let tagged = body.messages.last(where: { $0.role == "user" })?.content else {
            responder.sendError(status: 400, message: "bad request")
            return
        }
        // "name#tag": the tag keeps the counts of tests running at once apart.
        let scenario = String(tagged.split(separator: "#").first ?? "")
        let fields = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        let attempt: Int = lock.withLock {
            attempts[tagged, default: []].append(Date())
            authorizations.append(request.headers["authorization"] ?? "")
            bodies[tagged, default: []].append(fields)
            return attempts[tagged]!.count
        }
        if let maxModelLength, let requested = body.max_tokens, requested > maxModelLength {
            responder.sendError(status: 400, message: "This model's maximum context length is \(maxModelLength) tokens. "
                                + "However, you requested \(requested) tokens in the completion. Please reduce the length of the messages or completion.")
            return
        }
        switch scenario {
        case "429-then-ok" where attempt == 1:
            responder.send(status: 429, headers: ["Retry-After": "1", "Content-Type": "application/json"],
                           body: Data(#"{"error":{"message":"slow down"}}"#.utf8))
        case "500-always":
            responder.sendError(status: 500, message: "boom", type: "server_error")
        case "slow" where attempt == 1:
            try? await Task.sleep(nanoseconds: 60_000_000_000)
            ok(responder, "too late", "stop")
        case "drop-then-ok" where attempt == 1:
            responder.abort()
        case "malformed-then-ok" where attempt == 1:
            responder.send(status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"choices": [ {"#.utf8))
        case "400":
            responder.sendError(status: 400, message: "no such model")
        case "length":
            ok(responder, "cut off mid", "length")
        case "no-min-tokens", "no-min-tokens-echo":
            // A server without min_tokens (llama.cpp's llama-server): it ends at once unless told
            // `ignore_eos`, then writes max_tokens words; it continues a final assistant message
            // when asked, and the -echo variant answers with that message whole, as llama-server does.
            let maxTokens = body.max_tokens ?? 16
            if fields["ignore_eos"] as? Bool == true {
                ok(responder, Array(repeating: "word", count: maxTokens).joined(separator: " "), "length", completionTokens: maxTokens)
            } else if fields["continue_final_message"] as? Bool == true, fields["add_generation_prompt"] as? Bool == false,
                      let prefix = body.messages.last, prefix.role == "assistant" {
                ok(responder, (scenario.hasSuffix("-echo") ? prefix.content : "") + " and the end.", "stop", completionTokens: 4)
            } else {
                ok(responder, "Short.", "stop", completionTokens: 2)
            }
        default:
            ok(responder, "answer to \(scenario)", "stop")
        }
    }

    private func ok(_ responder: HTTPResponder, _ text: String, _ reason: String, completionTokens: Int = 3) {
        let response = OpenAIWire.ChatResponse(
            id: "x", object: "chat.completion", created: 0, model: "fault",
            choices: [.init(index: 0, message: .init(role: "assistant", content: text), finish_reason: reason)],
            usage: .init(prompt_tokens: 7, completion_tokens: completionTokens, total_tokens: 7 + completionTokens))
        responder.sendJSON(status: 200, response)
    }
}
