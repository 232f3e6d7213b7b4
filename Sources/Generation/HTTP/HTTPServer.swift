import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on POSIX sockets, bounded under hostile clients: one thread reads
/// every connection's request with `poll` (an idle or slow client costs a socket and a small
/// buffer, never a thread), each complete request is answered on its own thread, and
/// `HTTPServerLimits` caps open connections, buffered body bytes and the time to send a request
/// (503 with `Retry-After` when full, 408 past a deadline). One request per connection
/// (`Connection: close`), bodies by Content-Length, streamed responses chunked. Enough for an
/// OpenAI-compatible endpoint on a workstation or behind a proxy, with no dependency to build.
public final class HTTPServer: @unchecked Sendable {  // `listener` is closed once by stop(); the rest is immutable or locked
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
    public let limits: HTTPServerLimits
    private let handler: Handler
    private let load: HTTPServerLoad
    private let stopped = NSLock()
    private var isStopped = false
    private var listener: Int32 = -1
    /// Bodies at least this large are followed by `malloc_trim`, so their memory goes back to the system.
    private static let trimAfterBytes = 1 << 20

    public init(host: String, port: Int, limits: HTTPServerLimits = HTTPServerLimits(), handler: @escaping Handler) throws {
        self.host = host
        self.handler = handler
        self.limits = limits
        load = HTTPServerLoad(limits: limits)
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
        guard bound == 0, listen(listener, 1024) == 0 else {
            let code = errno
            close(listener)
            throw ServerError.bind(host: host, port: port, errno: code)
        }
        Self.setNonBlocking(listener, true)
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// Accepts and reads connections on a background thread until `stop()`.
    public func start() {
        let thread = Thread { [self] in readLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops accepting; requests being answered finish, requests being read are dropped.
    public func stop() {
        stopped.withLock { isStopped = true }
    }

    private var stopping: Bool { stopped.withLock { isStopped } }

    private static func monotonicNow() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private static func setNonBlocking(_ fd: Int32, _ on: Bool) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK)
    }

    /// The one reading thread: accepts, reads requests as bytes arrive, enforces deadlines, and
    /// hands complete requests to `answer`.
    private func readLoop() {
        var readers: [Int32: HTTPRequestReader] = [:]
        /// Connections answered with an error, read and discarded until the client closes or
        /// the deadline, so that it sees the answer instead of a reset.
        var draining: [Int32: UInt64] = [:]
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        while !stopping {
            let open = Array(readers.keys), drained = Array(draining.keys)
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            fds += (open + drained).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 200)
            if ready < 0 && errno != EINTR { break }
            let now = Self.monotonicNow()
            if fds[0].revents & Int16(POLLIN) != 0 { accept(into: &readers, draining: &draining, now: now) }
            for (i, fd) in open.enumerated() where fds[1 + i].revents != 0 {
                guard let reader = readers[fd] else { continue }
                let step = reader.read(now: now, scratch: &scratch)
                if case .waiting = step { continue }
                readers[fd] = nil
                finish(reader, step, draining: &draining, now: now)
            }
            for (i, fd) in drained.enumerated() where fds[1 + open.count + i].revents != 0 {
                if recv(fd, &scratch, scratch.count, 0) <= 0 && errno != EAGAIN { draining[fd] = nil; close(fd) }
            }
            for (fd, reader) in readers where reader.expired(at: now) {
                readers[fd] = nil
                finish(reader, .failure(408, "the request was not received in time (\(Int(limits.readTimeout)) s without data or \(Int(limits.requestTimeout)) s in all)"),
                       draining: &draining, now: now)
            }
            for (fd, deadline) in draining where deadline < now {
                draining[fd] = nil
                close(fd)
            }
        }
        for (fd, reader) in readers { load.closeConnection(reserved: reader.reserved); close(fd) }
        for fd in draining.keys { close(fd) }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func accept(into readers: inout [Int32: HTTPRequestReader], draining: inout [Int32: UInt64], now: UInt64) {
        while true {
            let client = Glibc.accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Self.setNonBlocking(client, true)
            guard load.openConnection() else {
                refuse(client, status: 503, message: "the server is at its limit of \(limits.maxConnections) connections; retry later",
                       draining: &draining, now: now)
                continue
            }
            readers[client] = HTTPRequestReader(fd: client, now: now, limits: limits, load: load)
        }
    }

    /// Ends reading one connection: answers its request on a new thread, or its error here.
    private func finish(_ reader: HTTPRequestReader, _ step: HTTPRequestReader.Step, draining: inout [Int32: UInt64], now: UInt64) {
        switch step {
        case .waiting:
            return
        case .complete(let request):
            Self.setNonBlocking(reader.fd, false)
            var timeout = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(reader.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let fd = reader.fd, reserved = reader.reserved
            let thread = Thread { [self] in answer(request, fd: fd, reserved: reserved) }
            thread.stackSize = 1 << 20
            thread.start()
            return
        case .closed:
            close(reader.fd)
        case .failure(let status, let message):
            refuse(reader.fd, status: status, message: message, draining: &draining, now: now)
        case .busy:
            refuse(reader.fd, status: 503, message: "the server holds its limit of \(limits.maxBufferedBytes) bytes of request bodies; retry later",
                   draining: &draining, now: now)
        }
        load.closeConnection(reserved: reader.reserved)
    }

    /// Sends a small error answer without blocking and keeps reading the connection briefly.
    private func refuse(_ fd: Int32, status: Int, message: String, draining: inout [Int32: UInt64], now: UInt64) {
        let connection = Connection(fd: fd)
        let headers = status == 503 ? ["Retry-After": String(limits.retryAfterSeconds)] : [:]
        connection.sendError(status: status, message: message, headers: headers)
        shutdown(fd, Int32(SHUT_WR))
        if draining.count < limits.maxConnections {
            draining[fd] = now + 2_000_000_000
        } else {
            close(fd)
        }
    }

    /// glibc's `malloc_trim(0)`, looked up at run time (the Glibc module does not export malloc.h).
    private static func trimHeap() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
    }

    /// Runs the handler for one request on this thread, then gives back its slot and memory.
    private func answer(_ request: HTTPRequest, fd: Int32, reserved: Int) {
        let connection = Connection(fd: fd)
        let done = DispatchSemaphore(value: 0)
        Task.detached { [handler] in
            await handler(request, connection)
            done.signal()
        }
        done.wait()
        connection.close()
        load.closeConnection(reserved: reserved)
        if reserved >= Self.trimAfterBytes {
            // Shortly after, once this thread and the handler's task have let go of the body:
            // glibc keeps freed large blocks in the heap otherwise, and RSS stays at its peak.
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { Self.trimHeap() }
        }
    }
}

/// One client connection; writes are serialised by a lock.
private final class Connection: HTTPResponder, @unchecked Sendable {
    // @unchecked: `fd`, `responded` and `streaming` are guarded by `lock`.
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
