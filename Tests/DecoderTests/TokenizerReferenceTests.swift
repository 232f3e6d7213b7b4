import Testing
@testable import Decoder

/// The default model's tokenizer against Hugging Face `tokenizers` on the reference corpus.
@Suite("Tokenizer matches Hugging Face tokenizers")
struct TokenizerReferenceTests {
    @Test("the GGUF metadata gives the smollm pre-tokenizer, SmolLM2's vocabulary and no BOS")
    func readsModelMetadata() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        #expect(tokenizer.preTokenizer == .smollm)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.bosID == 1 && tokenizer.eosID == 2 && !tokenizer.addBOS)
        #expect(tokenizer.id(of: "<|im_end|>") == 2)
        #expect(tokenizer.tokenText(2) == "<|im_end|>")
        #expect(tokenizer.tokenText(49152) == nil)
    }

    @Test("token ids equal the reference for every corpus string, with special tokens parsed")
    func idsMatchReference() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let fixture = try TokenizerTestSupport.fixture("tokenizer_smollm", as: TokenizerTestSupport.IDFixture.self)
        #expect(fixture.cases.count >= 1000)
        let mismatches = fixture.cases.filter { tokenizer.encode($0.text) != $0.ids }.map(\.text)
        let mismatchCount = mismatches.count
        #expect(mismatchCount == 0, "\(fixture.cases.count - mismatchCount)/\(fixture.cases.count) match; first mismatch: \(mismatches.first?.debugDescription ?? "")")
    }

    @Test("token ids equal the reference with special tokens treated as text")
    func idsWithoutSpecialMatchReference() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let fixture = try TokenizerTestSupport.fixture("tokenizer_smollm", as: TokenizerTestSupport.IDFixture.self)
        let cases = fixture.cases.compactMap { c in c.ids_without_special.map { (c.text, $0) } }
        #expect(cases.count > 50)
        let mismatches = cases.filter { tokenizer.encode($0.0, parseSpecial: false) != $0.1 }.map(\.0)
        let mismatchCount = mismatches.count
        #expect(mismatchCount == 0, "\(cases.count - mismatchCount)/\(cases.count) match; first mismatch: \(mismatches.first?.debugDescription ?? "")")
    }

    @Test("decoding the reference ids gives back every corpus string exactly")
    func decodeRoundTrips() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let fixture = try TokenizerTestSupport.fixture("tokenizer_smollm", as: TokenizerTestSupport.IDFixture.self)
        let failures = fixture.cases.filter { tokenizer.decode($0.ids) != $0.text }.map(\.text)
        let failureCount = failures.count
        #expect(failureCount == 0, "first failure: \(failures.first?.debugDescription ?? "")")
    }

    @Test("every family splits the corpus into the same words as the Hugging Face pre-tokenizers")
    func preTokenizersMatchReference() throws {
        let fixture = try TokenizerTestSupport.fixture("tokenizer_pretokenize", as: TokenizerTestSupport.SplitFixture.self)
        for family in [PreTokenizer.gpt2, .smollm, .llamaBPE, .qwen2] {
            var mismatches: [String] = []
            for entry in fixture.cases {
                let expected = try #require(entry.splits[family.rawValue])
                let words = family.words(entry.text)
                if words.map(\.unicodeScalars.count) != expected { mismatches.append(entry.text) }
                #expect(words.joined() == entry.text)
            }
            let mismatchCount = mismatches.count
            #expect(mismatchCount == 0, "\(family.rawValue): \(fixture.cases.count - mismatches.count)/\(fixture.cases.count) match; first mismatch: \(mismatches.first?.debugDescription ?? "")")
        }
    }
}
