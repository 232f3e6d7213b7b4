import Decoder
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import Testing
@testable import Generation

/// `lwdata serve` with a JSON schema and a token budget, on a real loopback port: at the schema's
/// shortest answer the answer parses and says `stop`; one token below, a 400 that names both numbers.
@Suite(.serialized) struct BuiltinServeBudgetTests {
    static let schema = #"{"type":"object","properties":{"analysis":{"type":"string","maxLength":600},"score":{"type":"integer","minimum":1,"maximum":5}},"required":["analysis","score"]}"#

    func post(_ running: BuiltinServeTests.Running, maxTokens: Int) async throws -> (Int, [String: Any]) {
        let body: [String: Any] = [
            "messages": [["role": "user", "content": "Score this sentence from 1 to 5 after a short analysis: The sea is blue."]],
            "max_tokens": maxTokens, "temperature": 0,
            "response_format": ["type": "json_schema", "json_schema": ["name": "judge", "schema": try JSONSerialization.jsonObject(with: Data(Self.schema.utf8))]],
        ]
        var request = URLRequest(url: URL(string: running.baseURL + "/v1/chat/completions")!)
        request.httpMethod = "POST"
        // Generous: the whole suite shares two cores with this request (a loaded answer takes minutes).
        request.timeoutInterval = 600
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    @Test func theShortestAnswerFitsAndOneTokenLessIsAClearError() async throws {
        let backend = try #require(BuiltinServeTests.backend, "default model missing")
        let running = try BuiltinServeTests.Running(backend)
        let grammar = try #require(try backend.model.grammar(for: .jsonSchema(Self.schema)))
        let minimum = try #require(try grammar.tokensToComplete(grammar.initialState))

        let (code, json) = try await post(running, maxTokens: minimum)
        #expect(code == 200)
        let choice = try #require((json["choices"] as? [[String: Any]])?.first)
        #expect(choice["finish_reason"] as? String == "stop")
        let content = try #require((choice["message"] as? [String: Any])?["content"] as? String)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any], "\(content)")
        #expect((1 ... 5).contains(answer["score"] as? Int ?? 0) && answer["analysis"] is String)

        let (tooFew, error) = try await post(running, maxTokens: minimum - 1)
        #expect(tooFew == 400)
        #expect((error["error"] as? [String: Any])?["message"] as? String
                == "max_tokens \(minimum - 1) is below the shortest answer the response format allows (\(minimum) tokens)")
    }
}
