import Foundation
import Testing

/// `lwdata serve` refuses what it cannot honour instead of ignoring it: `n` > 1 and a `max_tokens`
/// past the model's context get 400 with a message saying why (as vLLM and OpenAI answer).
@Suite(.serialized) struct ServeRequestLimitsTests {
    @Test func moreThanOneChoiceAndMaxTokensPastTheContextAre400() throws {
        let server = try ServeProcess()
        defer { server.stop() }
        let message = #"[{"role": "user", "content": "Say hi."}]"#
        let several = try TestSocket.exchange(port: server.port, TestSocket.chat(#"{"messages": \#(message), "n": 3, "max_tokens": 4}"#))
        #expect(several.hasPrefix("HTTP/1.1 400"), "\(several)")
        #expect(several.contains("n must be 1: this server returns one choice per request (got n=3)"), "\(several)")

        let huge = try TestSocket.exchange(port: server.port, TestSocket.chat(#"{"messages": \#(message), "max_tokens": 1000000000}"#), timeout: 20)
        #expect(huge.hasPrefix("HTTP/1.1 400"), "\(huge)")
        #expect(huge.contains("max_tokens is 1000000000, more than this model's maximum context length of 8192 tokens"), "\(huge)")

        let one = try TestSocket.exchange(port: server.port, TestSocket.chat(#"{"messages": \#(message), "n": 1, "max_tokens": 4}"#), timeout: 60)
        #expect(one.hasPrefix("HTTP/1.1 200"), "\(one)")
    }
}
