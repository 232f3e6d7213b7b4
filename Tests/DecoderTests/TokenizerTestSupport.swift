import Foundation
import Testing
@testable import Decoder
import Messages

/// The default model's tokenizer and the reference fixtures made by
/// `scripts/reference/make_tokenizer_fixture.py`.
enum TokenizerTestSupport {
    /// The default model's tokenizer, built once per test process.
    static func smolLM() throws -> BPETokenizer {
        try smolLMResult.get()
    }

    private static let smolLMResult = Result<BPETokenizer, Error> {
        guard let file = TestModel.file else {
            throw ModelLocatorError.modelMissing(path: TestModel.path, isDefault: true)
        }
        return try BPETokenizer(gguf: file)
    }

    /// Decodes `Fixtures/<name>.json`.
    static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                               "fixture \(name).json missing: run scripts/reference/make_tokenizer_fixture.py")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// `tokenizer_smollm.json`: corpus strings and the ids Hugging Face tokenizers gives them.
    struct IDFixture: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [Int32]
            var ids_without_special: [Int32]?
        }
        var cases: [Case]
    }

    /// `tokenizer_pretokenize.json`: each family's split of the corpus, in scalars per word.
    struct SplitFixture: Decodable {
        struct Case: Decodable {
            var text: String
            var splits: [String: [Int]]
        }
        var cases: [Case]
    }

    /// `tokenizer_chat_smollm.json`: conversations rendered by transformers' apply_chat_template.
    struct ChatFixture: Decodable {
        struct Case: Decodable {
            var template: String
            var messages: [ChatMessage]
            var add_generation_prompt: Bool
            var rendered: String
        }
        var chatml_template: String
        var llama3_template: String
        var cases: [Case]
    }

    /// A tokenizer over a vocabulary of the 256 byte tokens plus `extra` tokens (ids from 256 on).
    static func byteVocabulary(extra: [(text: String, type: Int32)], merges: [String] = [],
                               preTokenizer: PreTokenizer = .gpt2, bosID: Int32? = nil,
                               addBOS: Bool = false) throws -> BPETokenizer {
        let bytes = ByteLevelAlphabet.characterOfByte.map { String($0) }
        return try BPETokenizer(tokens: bytes + extra.map(\.text), merges: merges,
                                tokenTypes: [Int32](repeating: 1, count: 256) + extra.map(\.type),
                                preTokenizer: preTokenizer, bosID: bosID, eosID: nil, addBOS: addBOS)
    }
}
