import BuiltinGeneration
import Decoder
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import Testing
@testable import Generation
import Messages

/// The built-in decoder behind `OpenAIServer` on a real loopback port, driven by our `openai`
/// backend and by the official `openai` Python client.
@Suite(.serialized) struct BuiltinServeTests {
    static let backend: BuiltinBackend? = try? BuiltinBackend(modelPath: try ModelLocator.existingModelPath())

    final class Running: @unchecked Sendable {
        let server: HTTPServer
        init(_ backend: BuiltinBackend) throws {
            server = try HTTPServer(host: "127.0.0.1", port: 0, handler: OpenAIServer(generator: backend, modelName: "smol").handler)
            server.start()
        }
        deinit { server.stop() }
        var baseURL: String { "http://127.0.0.1:\(server.port)" }
    }

    func start() throws -> Running {
        guard let backend = Self.backend else {
            throw ModelLocatorError.modelMissing(path: ModelLocator.defaultModelPath(), isDefault: true)
        }
        return try Running(backend)
    }

    @Test func answersOverHTTPThroughTheOpenAIBackend() async throws {
        let running = try start()
        let client = try OpenAIBackend(config: OpenAIBackendConfig(baseURL: running.baseURL, model: "smol"))
        let output = try await client.generate([ChatMessage(role: "user", content: "What is the capital of Japan?")],
                                               parameters: GenerationParameters(temperature: 0, maxTokens: 32))
        #expect(output.finishReason == .stop)
        #expect(output.text.contains("Tokyo"))
        #expect(output.promptTokens > 10 && output.completionTokens > 0)
        let cut = try await client.generate([ChatMessage(role: "user", content: "Tell me a long story about a dragon.")],
                                            parameters: GenerationParameters(temperature: 0, maxTokens: 5))
        #expect(cut.finishReason == .length && cut.completionTokens == 5)
    }

    @Test func responseFormatOutputValidatesAgainstTheSchema() async throws {
        let running = try start()
        let client = try OpenAIBackend(config: OpenAIBackendConfig(baseURL: running.baseURL, model: "smol"))
        let schema = #"{"type":"object","properties":{"paragraphs":{"type":"array","minItems":2,"maxItems":4,"items":{"type":"object","properties":{"main_point":{"type":"string","minLength":5,"maxLength":80},"word_count":{"type":"integer","minimum":200,"maximum":1000}},"required":["main_point","word_count"]}}},"required":["paragraphs"]}"#
        for seed in [1, 2] as [UInt64] {
            let output = try await client.generate(
                [ChatMessage(role: "user", content: "Plan a 1500-word guide to Hong Kong as JSON paragraphs with word counts.")],
                parameters: GenerationParameters(temperature: 0.8, maxTokens: 800, seed: seed, responseFormat: .jsonSchema(name: "plan", schema: schema)))
            #expect(output.finishReason == .stop, "the grammar completes well within max_tokens: \(output.text)")
            let object = try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as? [String: Any]
            let paragraphs = try #require(object?["paragraphs"] as? [[String: Any]], "\(output.text)")
            #expect((2...4).contains(paragraphs.count))
            for p in paragraphs {
                #expect((200...1000).contains(p["word_count"] as? Int ?? -1))
                #expect((5...80).contains((p["main_point"] as? String)?.count ?? -1))
            }
        }
    }

    @Test func badRequestsGetJSONErrorsNotCrashes() async throws {
        let running = try start()
        func post(_ body: String, path: String = "/v1/chat/completions") async throws -> (Int, [String: Any]) {
            var request = URLRequest(url: URL(string: running.baseURL + path)!)
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
        }
        for (body, path, status) in [("{not json", "/v1/chat/completions", 400), (#"{"messages": []}"#, "/v1/chat/completions", 400),
                                     (#"{"messages": [{"role": "wizard", "content": "x"}]}"#, "/v1/chat/completions", 400),
                                     (#"{"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}"#, "/v1/chat/completions", 400),
                                     (#"{"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {"type": "string", "format": "email"}}}}"#, "/v1/chat/completions", 400),
                                     ("{}", "/v2/nothing", 404)] {
            let (code, json) = try await post(body, path: path)
            #expect(code == status, "\(body)")
            #expect((json["error"] as? [String: Any])?["message"] is String, "\(body)")
        }
        let (health, _) = try await URLSession.shared.data(from: URL(string: running.baseURL + "/health")!)
        #expect(String(decoding: health, as: UTF8.self).contains("ok"))
    }

    @Test func theOfficialPythonClientReadsStreamingAndPlainAnswers() throws {
        let running = try start()
        let script = """
            import sys
            from openai import OpenAI
            client = OpenAI(base_url=sys.argv[1] + "/v1", api_key="unused")
            models = client.models.list()
            print("MODEL", models.data[0].id)
            r = client.chat.completions.create(model="smol", messages=[{"role": "user", "content": "What is the capital of Japan?"}], temperature=0, max_tokens=24)
            print("PLAIN", r.choices[0].finish_reason, r.usage.completion_tokens, r.choices[0].message.content.replace("\\n", " "))
            parts = []
            finish = None
            for chunk in client.chat.completions.create(model="smol", messages=[{"role": "user", "content": "What is the capital of Japan?"}], temperature=0, max_tokens=24, stream=True):
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
                if chunk.choices and chunk.choices[0].finish_reason:
                    finish = chunk.choices[0].finish_reason
            print("STREAM", finish, len(parts), "".join(parts).replace("\\n", " "))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, running.baseURL]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "install the client with: pip install openai (scripts/test.sh does)")
        let lines = Dictionary(uniqueKeysWithValues: text.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        })
        #expect(lines["MODEL"] == "smol")
        #expect(lines["PLAIN"]?.hasPrefix("stop") == true && lines["PLAIN"]?.contains("Tokyo") == true)
        #expect(lines["STREAM"]?.hasPrefix("stop") == true && lines["STREAM"]?.contains("Tokyo") == true)
        // Streaming and plain answers are the same text at temperature 0.
        let plain = lines["PLAIN"]?.split(separator: " ", maxSplits: 2).last.map(String.init)
        let streamed = lines["STREAM"]?.split(separator: " ", maxSplits: 2).last.map(String.init)
        #expect(plain == streamed)
    }
}
