import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The server's context length for a model, `max_model_len` in vLLM's `GET /v1/models` answer
/// (`{"data": [{"id": "Qwen/…", "max_model_len": 32768, …}]}`), asked once; nil when the server
/// does not say (the OpenAI API, llama.cpp's server) or cannot be asked.
actor ServerContextLimit {
    private let url: URL?
    private let model: String
    private let session: URLSession
    private let authorization: String?
    private var answer: Int??

    init(url: URL?, model: String, session: URLSession, authorization: String?) {
        self.url = url
        self.model = model
        self.session = session
        self.authorization = authorization
    }

    /// `max_model_len` of the configured model (or of the only model served), nil when unknown.
    func maxModelLength() async -> Int? {
        if let answer { return answer }
        let found = await fetch()
        answer = .some(found)
        return found
    }

    private func fetch() async -> Int? {
        guard let url else { return nil }
        var request = URLRequest(url: url)
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await session.data(for: request), (response as? HTTPURLResponse)?.statusCode == 200,
              let list = try? JSONDecoder().decode(ModelList.self, from: data) else { return nil }
        let entry = list.data.first { $0.id == model } ?? (list.data.count == 1 ? list.data.first : nil)
        return entry?.max_model_len
    }

    private struct ModelList: Decodable {
        struct Entry: Decodable {
            var id: String
            var max_model_len: Int?
        }
        var data: [Entry]
    }

    /// `maxTokens` bounded so that a prompt of `promptTokens` plus the answer fits in `contextLength`.
    static func bound(_ maxTokens: Int, promptTokens: Int, contextLength: Int?) -> Int {
        guard let contextLength else { return maxTokens }
        return min(maxTokens, contextLength - promptTokens)
    }

    /// A generous estimate of a chat prompt's tokens (a token is rarely under 3 bytes of text), plus
    /// the chat template's few tokens per message.
    static func estimatePromptTokens(_ contents: [String]) -> Int {
        contents.reduce(0) { $0 + ($1.utf8.count + 2) / 3 + 8 }
    }
}
