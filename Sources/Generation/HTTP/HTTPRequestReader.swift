import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads one request from a non-blocking socket as bytes arrive, within the server's limits:
/// headers, then a body by Content-Length into a buffer reserved from the shared budget.
final class HTTPRequestReader {
    enum Step {
        /// Nothing more to do until the socket is readable again.
        case waiting
        /// The whole request is in.
        case complete(HTTPRequest)
        /// Answer with this status and close.
        case failure(Int, String)
        /// The body would pass the shared buffer bound: answer 503.
        case busy
        /// The client went away before sending anything.
        case closed
    }

    let fd: Int32
    let started: UInt64
    private(set) var lastRead: UInt64
    /// Body bytes reserved from the server's budget (given back when the connection closes).
    private(set) var reserved = 0
    private var head: [UInt8] = []
    private var request: HTTPRequest?
    private var length = 0
    private let limits: HTTPServerLimits
    private let load: HTTPServerLoad

    init(fd: Int32, now: UInt64, limits: HTTPServerLimits, load: HTTPServerLoad) {
        self.fd = fd
        started = now
        lastRead = now
        self.limits = limits
        self.load = load
    }

    /// Whether the request is past its read or whole-request deadline at `now`.
    func expired(at now: UInt64) -> Bool {
        now - lastRead > UInt64(limits.readTimeout * 1e9) || now - started > UInt64(limits.requestTimeout * 1e9)
    }

    /// Reads what the socket has (one `recv`) into `scratch` and advances.
    func read(now: UInt64, scratch: inout [UInt8]) -> Step {
        let want = request == nil ? scratch.count : min(scratch.count, length - request!.body.count)
        let n = recv(fd, &scratch, want, 0)
        if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .waiting : .closed }
        if n == 0 {
            if request != nil { return .failure(400, "request body ended early") }
            return head.isEmpty ? .closed : .failure(400, "incomplete request")
        }
        lastRead = now
        if request != nil {
            scratch.withUnsafeBytes { request!.body.append($0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n) }
        } else {
            let searchFrom = max(0, head.count - 3)
            head += scratch[0..<n]
            guard let end = Self.find([13, 10, 13, 10], in: head, from: searchFrom) else {
                return head.count > limits.maxHeaderBytes ? .failure(431, "request headers are too large") : .waiting
            }
            if let step = startBody(headerEnd: end) { return step }
        }
        guard let request, request.body.count >= length else { return .waiting }
        return .complete(request)
    }

    /// Parses the headers and reserves the body; a step when the request ends here.
    private func startBody(headerEnd: Int) -> Step? {
        let text = String(decoding: head[0..<headerEnd], as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { return .failure(400, "malformed request line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .failure(400, "malformed header line") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["transfer-encoding"] != nil { return .failure(411, "chunked request bodies are not supported; send Content-Length") }
        let length = Int(headers["content-length"] ?? "0") ?? -1
        guard length >= 0 else { return .failure(400, "invalid Content-Length") }
        guard length <= limits.maxBodyBytes else { return .failure(413, "request body is larger than \(limits.maxBodyBytes) bytes") }
        guard load.reserve(length) else { return .busy }
        reserved = length
        self.length = length
        var body = Data(capacity: length)
        body.append(contentsOf: head[(headerEnd + 4)..<min(head.count, headerEnd + 4 + length)])
        head = []
        if body.count < length, headers["expect"]?.lowercased() == "100-continue" {
            // curl (and so FoundationNetworking) waits for this before sending a larger body.
            _ = "HTTP/1.1 100 Continue\r\n\r\n".withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        }
        var path = String(requestLine[1])
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        request = HTTPRequest(method: String(requestLine[0]), path: path, headers: headers, body: body)
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<i + needle.count].elementsEqual(needle) { return i }
        }
        return nil
    }
}
