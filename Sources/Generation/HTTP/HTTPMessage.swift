import Foundation

/// An HTTP/1.1 request as the server parsed it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data
}

/// Writes one response: either whole (`send`) or streamed in chunks (`startStream`, `write`, `finish`).
public protocol HTTPResponder: Sendable {
    func send(status: Int, headers: [String: String], body: Data)
    func startStream(status: Int, headers: [String: String])
    /// Writes one chunk of a streamed body; false when the client has gone.
    @discardableResult func write(_ chunk: Data) -> Bool
    func finish()
    /// Closes the connection without a response (used to simulate a dropped connection).
    func abort()
}

extension HTTPResponder {
    /// Sends a JSON body.
    public func sendJSON(status: Int, _ object: some Encodable, headers: [String: String] = [:]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(object)) ?? Data("{}".utf8)
        send(status: status, headers: headers.merging(["Content-Type": "application/json"]) { _, json in json }, body: body)
    }

    /// Sends an OpenAI-style error body: `{"error": {"message", "type", "code"}}`.
    public func sendError(status: Int, message: String, type: String = "invalid_request_error", headers: [String: String] = [:]) {
        sendJSON(status: status, ["error": ["message": message, "type": type, "code": String(status)]], headers: headers)
    }
}

enum HTTPStatus {
    static func reason(_ code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Payload Too Large"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status \(code)"
        }
    }
}
