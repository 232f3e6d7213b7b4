import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on POSIX sockets: one thread per connection, one request per
/// connection (`Connection: close`), bodies by Content-Length, streamed responses chunked.
/// Enough for an OpenAI-compatible endpoint on a workstation or behind a proxy, with no
/// dependency to build.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest, HTTPResponder) async -> Void

    public enum ServerError: Error, CustomStringConvertible {
        case bind(host: String, port: Int, errno: Int32)
        public var description: String {
            switch self {
            case let .bind(host, port, code): return "cannot listen on \(host):\(port): \(String(cString: strerror(code)))"
            }
        }
    }

    /// The port actually bound (useful with port 0).
    public private(set) var port: Int = 0
    public let host: String
    private let handler: Handler
    private var listener: Int32 = -1
    private let maxHeaderBytes = 64 << 10
    private let maxBodyBytes = 32 << 20

    public init(host: String, port: Int, handler: @escaping Handler) throws {
        self.host = host
        self.handler = handler
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            close(listener)
            throw ServerError.bind(host: host, port: port, errno: EINVAL)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            let code = errno
            close(listener)
            throw ServerError.bind(host: host, port: port, errno: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// Accepts connections on a background thread until `stop()`.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops accepting; connections in progress finish.
    public func stop() {
        let fd = listener
        listener = -1
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    private func acceptLoop() {
        while listener >= 0 {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            var timeout = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var noSigPipe: Int32 = 1
            setsockopt(client, SOL_SOCKET, SO_KEEPALIVE, &noSigPipe, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        let connection = Connection(fd: fd)
        defer { connection.close() }
        switch readRequest(fd) {
        case .failure(let status, let message):
            connection.sendError(status: status, message: message)
        case .closed:
            return
        case .request(let request):
            let done = DispatchSemaphore(value: 0)
            Task.detached { [handler] in
                await handler(request, connection)
                done.signal()
            }
            done.wait()
        }
    }

    private enum ReadResult {
        case request(HTTPRequest)
        case failure(Int, String)
        case closed
    }

    private func readRequest(_ fd: Int32) -> ReadResult {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return buffer.isEmpty ? .closed : .failure(400, "incomplete request") }
            buffer += chunk[0..<n]
            headerEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headerEnd == nil && buffer.count > maxHeaderBytes { return .failure(431, "request headers are too large") }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
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
        guard length <= maxBodyBytes else { return .failure(413, "request body is larger than \(maxBodyBytes) bytes") }
        var body = Array(buffer[(headerEnd! + 4)...])
        if body.count < length, headers["expect"]?.lowercased() == "100-continue" {
            // curl (and so FoundationNetworking) waits for this before sending a larger body.
            _ = "HTTP/1.1 100 Continue\r\n\r\n".withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        }
        while body.count < length {
            let n = recv(fd, &chunk, min(chunk.count, length - body.count), 0)
            if n <= 0 { return .failure(400, "request body ended early") }
            body += chunk[0..<n]
        }
        var path = String(requestLine[1])
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        return .request(HTTPRequest(method: String(requestLine[0]), path: path, headers: headers, body: Data(body.prefix(length))))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<i + needle.count]) == needle { return i }
        }
        return nil
    }
}

/// One client connection; writes are serialised by a lock.
private final class Connection: HTTPResponder, @unchecked Sendable {
    private var fd: Int32
    private let lock = NSLock()
    private var responded = false
    private var streaming = false

    init(fd: Int32) { self.fd = fd }

    func send(status: Int, headers: [String: String], body: Data) {
        lock.withLock {
            guard !responded else { return }
            responded = true
            var all = headers
            all["Content-Length"] = String(body.count)
            all["Connection"] = "close"
            _ = writeRaw(Self.head(status, all) + body)
        }
    }

    func startStream(status: Int, headers: [String: String]) {
        lock.withLock {
            guard !responded else { return }
            responded = true
            streaming = true
            var all = headers
            all["Transfer-Encoding"] = "chunked"
            all["Connection"] = "close"
            _ = writeRaw(Self.head(status, all))
        }
    }

    func write(_ chunk: Data) -> Bool {
        lock.withLock {
            guard streaming, !chunk.isEmpty else { return streaming }
            return writeRaw(Data(String(chunk.count, radix: 16).utf8) + Data("\r\n".utf8) + chunk + Data("\r\n".utf8))
        }
    }

    func finish() {
        lock.withLock {
            if streaming { _ = writeRaw(Data("0\r\n\r\n".utf8)); streaming = false }
        }
    }

    func abort() {
        lock.withLock {
            responded = true
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            closeLocked()
        }
    }

    func close() { lock.withLock { closeLocked() } }

    private func closeLocked() {
        if fd >= 0 { shutdown(fd, Int32(SHUT_WR)); Glibc.close(fd); fd = -1 }
    }

    private func writeRaw(_ data: Data) -> Bool {
        guard fd >= 0 else { return false }
        return data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
    }

    private static func head(_ status: Int, _ headers: [String: String]) -> Data {
        var text = "HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n"
        for key in headers.keys.sorted() { text += "\(key): \(headers[key]!)\r\n" }
        return Data((text + "\r\n").utf8)
    }
}
