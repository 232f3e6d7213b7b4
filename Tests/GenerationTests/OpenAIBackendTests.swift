import Decoder
import Foundation
import Testing
@testable import Generation
import Messages

@Suite struct OpenAIBackendTests {
    /// Tags this test's scenarios, so that counts never mix with another test's.
    let tag = UUID().uuidString

    func tagged(_ scenario: String) -> String { scenario + "#" + tag }

    func backend(_ server: FaultServer, timeout: Double = 120, retries: Int = 2, key: String? = nil) throws -> OpenAIBackend {
        var config = OpenAIBackendConfig(baseURL: server.baseURL, model: "m", apiKeyEnvironmentVariable: key == nil ? nil : "TEST_KEY")
        config.maxRetries = retries
        config.backoffBase = 0.01
        config.timeout = timeout
        return try OpenAIBackend(config: config, environment: key.map { ["TEST_KEY": $0] } ?? [:])
    }

    func ask(_ backend: OpenAIBackend, _ scenario: String) async throws -> GenerationOutput {
        try await backend.generate([ChatMessage(role: "user", content: tagged(scenario))], parameters: GenerationParameters(maxTokens: 16))
    }

    @Test func honoursRetryAfterOn429() async throws {
        let server = try FaultServer()
        let output = try await ask(try backend(server), "429-then-ok")
        #expect(output.finishReason == .stop && output.text == "answer to 429-then-ok")
        #expect(output.retries == 1)
        let times = server.attemptTimes(tagged("429-then-ok"))
        #expect(times.count == 2)
        // The backoff base is 10 ms; only Retry-After makes the gap this long (measured where the
        // server handles the requests, so allow for scheduling under load).
        #expect(times[1].timeIntervalSince(times[0]) >= 0.5, "waited for Retry-After: 1")
    }

    @Test func retriesServerErrorsThenReportsAnError() async throws {
        let server = try FaultServer()
        let output = try await ask(try backend(server, retries: 3), "500-always")
        #expect(output.finishReason == .error)
        #expect(output.error?.contains("HTTP 500") == true)
        #expect(server.attemptTimes(tagged("500-always")).count == 4)
    }

    @Test func timeoutDroppedConnectionAndMalformedJSONAreRetried() async throws {
        let server = try FaultServer()
        // The first attempt hangs for a minute; a 10 s timeout ends it and the retry answers. The
        // retry is given room too: on a loaded CI machine a loopback answer can take seconds.
        let slow = try await ask(try backend(server, timeout: 10, retries: 3), "slow")
        #expect(slow.finishReason == .stop && slow.text == "answer to slow" && slow.retries >= 1, "\(slow)")
        #expect(server.attemptTimes(tagged("slow")).count == slow.retries + 1)
        let client = try backend(server)
        let dropped = try await ask(client, "drop-then-ok")
        #expect(dropped.finishReason == .stop && dropped.retries == 1)
        let malformed = try await ask(client, "malformed-then-ok")
        #expect(malformed.finishReason == .stop && malformed.retries == 1)
    }

    @Test func clientErrorsAreNotRetriedAndTruncationIsReported() async throws {
        let server = try FaultServer()
        let client = try backend(server)
        let bad = try await ask(client, "400")
        #expect(bad.finishReason == .error)
        // A 4xx ends the request at once ("HTTP 400"), it is not retried until giving up.
        #expect(bad.error?.hasPrefix("HTTP 400") == true, "\(bad.error ?? "")")
        #expect(server.attemptTimes(tagged("400")).count == bad.retries + 1)
        let cut = try await ask(client, "length")
        #expect(cut.finishReason == .length && cut.text == "cut off mid")
        #expect(cut.promptTokens == 7 && cut.completionTokens == 3)
    }

    @Test func oneFailingItemDoesNotStopTheOthers() async throws {
        let server = try FaultServer()
        let client = try backend(server, retries: 1)
        let outputs = try await withThrowingTaskGroup(of: (String, GenerationOutput).self) { group in
            for scenario in ["a", "b", "500-always", "c", "d"] {
                group.addTask { (scenario, try await self.ask(client, scenario)) }
            }
            var all: [String: GenerationOutput] = [:]
            for try await (scenario, output) in group { all[scenario] = output }
            return all
        }
        #expect(outputs["500-always"]?.finishReason == .error)
        for scenario in ["a", "b", "c", "d"] { #expect(outputs[scenario]?.text == "answer to \(scenario)") }
    }

    @Test func apiKeyIsSentButNeverShownInErrors() async throws {
        let server = try FaultServer()
        let client = try backend(server, retries: 0, key: "sk-very-secret")
        let output = try await ask(client, "500-always")
        #expect(server.authorizations.contains("Bearer sk-very-secret"))
        #expect(output.error?.contains("sk-very-secret") == false)
        #expect(!client.identity.contains("secret"))
        #expect(throws: GenerationError.self) {
            _ = try OpenAIBackend(config: OpenAIBackendConfig(baseURL: server.baseURL, model: "m", apiKeyEnvironmentVariable: "UNSET_VAR"), environment: [:])
        }
    }

    @Test func requestCacheAvoidsRepeatedCallsAndKeysOnMaxTokens() async throws {
        let server = try FaultServer()
        let folder = NSTemporaryDirectory() + "lwdata-cache-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cached = CachingGenerator(inner: try backend(server), cache: try RequestCache(directory: folder), identity: "openai:test")
        let messages = [ChatMessage(role: "user", content: tagged("length"))]
        let first = try await cached.generate(messages, parameters: GenerationParameters(maxTokens: 16))
        let sent = server.attemptTimes(tagged("length")).count
        let again = try await cached.generate(messages, parameters: GenerationParameters(maxTokens: 16))
        #expect(!first.cached && again.cached && again.text == first.text)
        #expect(server.attemptTimes(tagged("length")).count == sent, "the repeat is answered from the cache")
        let larger = try await cached.generate(messages, parameters: GenerationParameters(maxTokens: 64))
        #expect(!larger.cached && server.attemptTimes(tagged("length")).count > sent, "a larger max_tokens is a new request")
        // Errors are never cached.
        let failing = CachingGenerator(inner: try backend(server, retries: 0), cache: try RequestCache(directory: folder), identity: "openai:test")
        _ = try await failing.generate([ChatMessage(role: "user", content: tagged("500-always"))], parameters: GenerationParameters())
        _ = try await failing.generate([ChatMessage(role: "user", content: tagged("500-always"))], parameters: GenerationParameters())
        #expect(server.attemptTimes(tagged("500-always")).count == 2)
    }

    @Test func meterCountsCallsRetriesErrorsAndTokens() async throws {
        let server = try FaultServer()
        let meter = UsageMeter()
        let metered = MeteredGenerator(inner: try backend(server, retries: 1), meter: meter, stage: "plan", backend: "openai")
        _ = try await metered.generate([ChatMessage(role: "user", content: tagged("429-then-ok"))], parameters: GenerationParameters())
        _ = try await metered.generate([ChatMessage(role: "user", content: tagged("500-always"))], parameters: GenerationParameters())
        let counts = meter.drain()[UsageMeter.Key(stage: "plan", backend: "openai")]
        #expect(counts?.calls == 2 && counts?.retries == 2 && counts?.errors == 1)
        #expect(counts?.tokensIn == 7 && counts?.tokensOut == 3)
    }
}
