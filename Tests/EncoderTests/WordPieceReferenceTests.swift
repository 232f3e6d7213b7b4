import Foundation
import Testing
import Decoder

@Suite("WordPiece tokenizer against Hugging Face tokenizers", .enabled(if: TestEncoder.installed, TestEncoder.skipReason))
struct WordPieceReferenceTests {
    /// Fixture written by scripts/reference/wordpiece_fixture.py: generated strings (accents,
    /// CJK, emoji, long words, odd whitespace, punctuation, numbers, control characters,
    /// special tokens written in the text) and the ids `tokenizers` gives them.
    @Test("ids identical to tokenizers on every fixture string (truncated to 256)")
    func identicalIDs() throws {
        let tokenizer = try WordPieceTokenizer(path: TestEncoder.directory! + "/tokenizer.json")
        let cases = try TestEncoder.fixture("wordpiece")
        #expect(cases.count >= 1_000)
        var mismatches: [String] = []
        for item in cases {
            let text = try #require(item["text"] as? String)
            let expected = try #require(item["ids"] as? [Int]).map(Int32.init)
            let got = tokenizer.encode(text, maxLength: 256)
            if got != expected { mismatches.append("\(text.debugDescription): got \(got), expected \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ; first: \(mismatches.prefix(3))")
    }

    @Test("truncation keeps [CLS], the first pieces and [SEP] within the limit")
    func truncation() throws {
        let tokenizer = try WordPieceTokenizer(path: TestEncoder.directory! + "/tokenizer.json")
        let text = Array(repeating: "hello", count: 600).joined(separator: " ")
        let hello = tokenizer.encode("hello")[1]
        for limit in [2, 16, 256, 512] {
            let ids = tokenizer.encode(text, maxLength: limit)
            #expect(ids.count == limit)
            #expect(ids.first == tokenizer.classID && ids.last == tokenizer.separatorID)
            #expect(ids.dropFirst().dropLast().allSatisfy { $0 == hello })
        }
        #expect(tokenizer.encode("") == [tokenizer.classID, tokenizer.separatorID])
    }
}
