import Foundation
import Generation

/// A loopback OpenAI-compatible server that misbehaves on purpose, for faults a real server
/// cannot be made to produce on demand. The first user message names the scenario.
final class FaultServer: @unchecked Sendable {
    let server: HTTPServer
    private let lock = NSLock()
    private var attempts: [String: [Date]] = [:]
    private(set) var authorizations: [String] = []

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    init() throws {
        nonisolated(unsafe) weak var weakSelf: FaultServer?
        server = try HTTPServer(host: "127.0.0.1", port: 0) { request, responder in
            await weakSelf?.handle(request, responder)
        }
        weakSelf = self
        server.start()
    }

    deinit { server.stop() }

    func attemptTimes(_ scenario: String) -> [Date] { lock.withLock { attempts[scenario] ?? [] } }

    private func handle(_ request: HTTPRequest, _ responder: HTTPResponder) async {
        guard let body = try? JSONDecoder().decode(OpenAIWire.ChatRequest.self, from: request.body),
              let tagged = body.messages.last?.content else {
            responder.sendError(status: 400, message: "bad request")
            return
        }
        // "name#tag": the tag keeps the counts of tests running at once apart.
        let scenario = String(tagged.split(separator: "#").first ?? "")
        let attempt: Int = lock.withLock {
            attempts[tagged, default: []].append(Date())
            authorizations.append(request.headers["authorization"] ?? "")
            return attempts[tagged]!.count
        }
        switch scenario {
        case "429-then-ok" where attempt == 1:
            responder.send(status: 429, headers: ["Retry-After": "1", "Content-Type": "application/json"],
                           body: Data(#"{"error":{"message":"slow down"}}"#.utf8))
        case "500-always":
            responder.sendError(status: 500, message: "boom", type: "server_error")
        case "slow" where attempt == 1:
            try? await Task.sleep(nanoseconds: 30_000_000_000)
            ok(responder, "too late", "stop")
        case "drop-then-ok" where attempt == 1:
            responder.abort()
        case "malformed-then-ok" where attempt == 1:
            responder.send(status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"choices": [ {"#.utf8))
        case "400":
            responder.sendError(status: 400, message: "no such model")
        case "length":
            ok(responder, "cut off mid", "length")
        default:
            ok(responder, "answer to \(scenario)", "stop")
        }
    }

    private func ok(_ responder: HTTPResponder, _ text: String, _ reason: String) {
        let response = OpenAIWire.ChatResponse(
            id: "x", object: "chat.completion", created: 0, model: "fault",
            choices: [.init(index: 0, message: .init(role: "assistant", content: text), finish_reason: reason)],
            usage: .init(prompt_tokens: 7, completion_tokens: 3, total_tokens: 10))
        responder.sendJSON(status: 200, response)
    }
}
