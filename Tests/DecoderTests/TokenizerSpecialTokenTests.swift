import Foundation
import Testing
@testable import Decoder

@Suite("Tokenizer special tokens, BOS and construction errors")
struct TokenizerSpecialTokenTests {
    @Test("ChatML markers in text become their tokens only when special tokens are parsed")
    func chatMLMarkers() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let start = try #require(tokenizer.id(of: "<|im_start|>"))
        let end = try #require(tokenizer.id(of: "<|im_end|>"))
        let text = "<|im_start|>user\nHi<|im_end|>\n"
        let ids = tokenizer.encode(text)
        #expect(ids.first == start)
        #expect(ids.filter { $0 == end }.count == 1)
        #expect(tokenizer.decode(ids) == text)
        let plain = tokenizer.encode(text, parseSpecial: false)
        #expect(!plain.contains(start) && !plain.contains(end))
        #expect(plain.count > ids.count)
        #expect(tokenizer.decode(plain) == text)
    }

    @Test("the longest of several added tokens starting at the same place wins; user-defined ones are always matched")
    func leftmostLongest() throws {
        let tokenizer = try TokenizerTestSupport.byteVocabulary(extra: [
            ("<a>", TokenType.control), ("<a>b>", TokenType.control), ("<u>", TokenType.userDefined),
        ])
        #expect(tokenizer.encode("x<a>b>y<a>") == [tokenizer.id(of: "x"), 257, tokenizer.id(of: "y"), 256].compactMap { $0 })
        #expect(tokenizer.encode("<u><a>", parseSpecial: false).prefix(1) == [258])
        #expect(!tokenizer.encode("<u><a>", parseSpecial: false).contains(256))
        #expect(tokenizer.decode([257, 258]) == "<a>b><u>")
    }

    @Test("merges apply by rank, and llama-bpe takes a word that is itself a token whole")
    func mergeOrderAndWholeWords() throws {
        let extra: [(text: String, type: Int32)] = [("ab", 1), ("bc", 1), ("abc", 1)]
        let gpt2 = try TokenizerTestSupport.byteVocabulary(extra: extra, merges: ["b c", "a b"])
        #expect(gpt2.encode("abc") == [gpt2.id(of: "a"), 257].compactMap { $0 })
        let llama = try TokenizerTestSupport.byteVocabulary(extra: extra, merges: ["b c", "a b"], preTokenizer: .llamaBPE)
        #expect(llama.encode("abc") == [258])
    }

    @Test("a long word without spaces merges the same through the queue as through rescanning")
    func longWordMerging() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let word = String(repeating: "tokenization", count: 40)
        let short = tokenizer.encode("tokenization")
        #expect(word.utf8.count > BPEMerge.scanLimit)
        let ids = tokenizer.encode(word)
        #expect(tokenizer.decode(ids) == word)
        #expect(ids.count < word.utf8.count / 3)
        #expect(ids.count <= short.count * 40)
    }

    @Test("BOS is added once when the vocabulary asks for it")
    func addsBOSOnce() throws {
        let tokenizer = try TokenizerTestSupport.byteVocabulary(extra: [("<s>", TokenType.control)],
                                                                bosID: 256, addBOS: true)
        #expect(tokenizer.encode("a") == [256, tokenizer.id(of: "a")!])
        #expect(tokenizer.encode("<s>a") == [256, tokenizer.id(of: "a")!])
        #expect(tokenizer.encode("") == [256])
    }

    @Test("inconsistent vocabularies throw errors naming the entry")
    func constructionErrors() throws {
        #expect(throws: TokenizerError.invalidMerge(index: 0, merge: "a q", reason: "the merged token 'aq' is not in the vocabulary")) {
            try TokenizerTestSupport.byteVocabulary(extra: [], merges: ["a q"])
        }
        #expect(throws: TokenizerError.invalidMerge(index: 1, merge: "ab", reason: "no space between the two parts")) {
            try TokenizerTestSupport.byteVocabulary(extra: [("ab", 1)], merges: ["a b", "ab"])
        }
        #expect(throws: TokenizerError.tokenIDOutOfRange(key: "tokenizer.ggml.bos_token_id", id: 300, vocabularySize: 256)) {
            try TokenizerTestSupport.byteVocabulary(extra: [], bosID: 300)
        }
        #expect(throws: TokenizerError.unknownPreTokenizer(name: "mystery")) { try PreTokenizer(ggufName: "mystery") }
        #expect(try PreTokenizer(ggufName: nil) == .default)
        #expect(try PreTokenizer(ggufName: "llama3") == .llamaBPE)
    }

    @Test("a GGUF file with another tokenizer kind or an unknown pre-tokenizer is refused by name")
    func ggufErrors() throws {
        let directory = try TemporaryDirectory()
        let bytes = ByteLevelAlphabet.characterOfByte.map { GGUFValue.string(String($0)) }
        func file(model: String, pre: String) throws -> GGUFFile {
            var builder = GGUFBuilder()
            builder.metadata = [
                ("tokenizer.ggml.model", .string(model)), ("tokenizer.ggml.pre", .string(pre)),
                ("tokenizer.ggml.tokens", .array(bytes)), ("tokenizer.ggml.merges", .array([])),
            ]
            return try GGUFFile(path: builder.write(to: directory.url, name: "\(model)-\(pre).gguf"))
        }
        let sentencePiece = try file(model: "llama", pre: "default")
        #expect(throws: TokenizerError.inModelFile(path: sentencePiece.path, .unsupportedModel(kind: "llama"))) {
            try BPETokenizer(gguf: sentencePiece)
        }
        let unknown = try file(model: "gpt2", pre: "mystery")
        #expect(throws: TokenizerError.inModelFile(path: unknown.path, .unknownPreTokenizer(name: "mystery"))) {
            try BPETokenizer(gguf: unknown)
        }
        let plain = try BPETokenizer(gguf: try file(model: "gpt2", pre: "qwen2"))
        #expect(plain.preTokenizer == .qwen2 && plain.bosID == nil && !plain.addBOS)
        #expect(plain.decode(plain.encode("héllo 123")) == "héllo 123")
        #expect(TokenizerError.unsupportedModel(kind: "llama").description.contains("'llama'"))
    }
}
