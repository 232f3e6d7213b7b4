import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lwdata serve` against hostile clients on loopback, with small limits so that the test is
/// quick: a trickling client is cut off at the whole-request deadline, connections and buffered
/// bodies past their bounds get 503 with Retry-After, and memory is given back after big bodies.
/// (`bench/serve_hostile.py` runs the full-size load: 500 idle, 30 × 32 MB, 64 valid requests.)
@Suite(.serialized) struct ServeHostileClientTests {
    /// Short deadlines for the test of deadlines; long ones elsewhere, so that a loaded CI machine
    /// (seconds between two steps of a test) never trips them.
    static func options(readTimeout: Int = 30, requestTimeout: Int = 60) -> [String] {
        ["--max-connections", "20", "--max-buffered-mb", "96", "--read-timeout", String(readTimeout), "--request-timeout", String(requestTimeout)]
    }

    /// A GET /health answer, asked until it is not a 503 (slots come back once the server has seen
    /// the closes) or 20 s have passed.
    static func healthOnceSlotsAreBack(port: Int) throws -> String {
        let deadline = Date().addingTimeInterval(20)
        while true {
            let answer = try TestSocket.exchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", timeout: 10)
            if !answer.hasPrefix("HTTP/1.1 503") || Date() > deadline { return answer }
            usleep(200_000)
        }
    }

    @Test func aClientSendingAByteAtATimeIsCutOffAtTheRequestDeadline() throws {
        let server = try ServeProcess(Self.options(readTimeout: 2, requestTimeout: 4))
        defer { server.stop() }
        let client = try TestSocket(port: server.port, timeout: 1)
        defer { client.close() }
        let start = Date()
        client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        var answer = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        // A byte every 0.5 s never trips the 2 s read timeout; only the 4 s request deadline ends it.
        while Date().timeIntervalSince(start) < 20 {
            let n = recv(client.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 { answer += String(decoding: buffer[0..<n], as: UTF8.self); break }
            if n == 0 || !client.send("{") { break }
            usleep(500_000)
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(answer.hasPrefix("HTTP/1.1 408"), "after \(elapsed) s: \(answer)")
        #expect(elapsed < 15, "cut off after \(elapsed) s (the deadline is 4 s; the loop would run 20 s)")
    }

    @Test func connectionsPastTheLimitGet503WithRetryAfterAndSlotsComeBack() throws {
        let server = try ServeProcess(Self.options())
        defer { server.stop() }
        var idle: [TestSocket] = []
        for _ in 0..<20 { idle.append(try TestSocket(port: server.port)) }
        usleep(300_000)
        let refused = try TestSocket.exchange(port: server.port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", timeout: 20)
        #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
        #expect(refused.contains("Retry-After: 1"), "\(refused)")
        #expect(refused.contains("limit of 20 connections"), "\(refused)")
        idle.forEach { $0.close() }
        let health = try Self.healthOnceSlotsAreBack(port: server.port)
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
    }

    @Test func bodiesPastTheBufferBoundGet503AndTheirMemoryIsReturned() throws {
        let server = try ServeProcess(Self.options())
        defer { server.stop() }
        _ = try TestSocket.exchange(port: server.port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        let before = server.rssMegabytes
        let size = 32 << 20
        let head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n"
        let first = try TestSocket(port: server.port), second = try TestSocket(port: server.port)
        defer { first.close(); second.close() }
        first.send(head)
        second.send(head)
        usleep(2_000_000)  // the server has read both heads and reserved their bodies (generous for a loaded machine)
        // 2 × 32 MB fill the three quarters of the 96 MB bound open to big bodies: a third is refused
        // before a byte of it is held, while a small request still gets in.
        let third = try TestSocket.exchange(port: server.port, head, timeout: 20)
        #expect(third.hasPrefix("HTTP/1.1 503"), "\(third)")
        #expect(third.contains("Retry-After: 1"), "\(third)")
        let small = try TestSocket.exchange(port: server.port, TestSocket.chat(#"{"messages": []}"#), timeout: 20)
        #expect(small.hasPrefix("HTTP/1.1 400") && small.contains("messages must not be empty"), "\(small)")
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: size)
        for client in [first, second] {
            client.send(body)
            let answer = client.readAll()
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(200))")
        }
        usleep(1_000_000)
        let after = server.rssMegabytes
        #expect(after < before + 30, "RSS \(before) MB before, \(after) MB after two 32 MB bodies")
        let health = try TestSocket.exchange(port: server.port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", timeout: 20)
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
    }
}
