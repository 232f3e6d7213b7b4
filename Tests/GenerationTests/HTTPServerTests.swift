import Foundation
import Testing
@testable import Generation

@Suite struct HTTPServerTests {
    /// Sends raw bytes to the server and returns everything it answers.
    func exchange(_ port: Int, _ raw: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        _ = raw.withCString { send(fd, $0, strlen($0), 0) }
        shutdown(fd, Int32(SHUT_WR))
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func malformedRequestsGetA4xxAndTheServerKeepsServing() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0) { request, responder in
            responder.send(status: 200, headers: [:], body: Data("hello \(request.method) \(request.path) \(request.body.count)".utf8))
        }
        server.start()
        defer { server.stop() }
        #expect(try exchange(server.port, "garbage\r\n\r\n").hasPrefix("HTTP/1.1 400"))
        #expect(try exchange(server.port, "POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n").hasPrefix("HTTP/1.1 400"))
        #expect(try exchange(server.port, "POST /x HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n").hasPrefix("HTTP/1.1 413"))
        #expect(try exchange(server.port, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").hasPrefix("HTTP/1.1 411"))
        #expect(try exchange(server.port, "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort").hasPrefix("HTTP/1.1 400"))
        let ok = try exchange(server.port, "POST /v1/x?q=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
        #expect(ok.hasPrefix("HTTP/1.1 200") && ok.hasSuffix("hello POST /v1/x 3"))
    }
}
