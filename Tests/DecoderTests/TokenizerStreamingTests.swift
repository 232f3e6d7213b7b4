import Testing
@testable import Decoder

@Suite("Streaming decoder")
struct TokenizerStreamingTests {
    @Test("pieces are whole characters and add up to decode() on the whole corpus")
    func streamsCorpus() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let fixture = try TokenizerTestSupport.fixture("tokenizer_smollm", as: TokenizerTestSupport.IDFixture.self)
        var heldBack = 0
        for entry in fixture.cases {
            var decoder = tokenizer.makeStreamingDecoder()
            var text = ""
            for id in entry.ids {
                let piece = decoder.push(id)
                if piece.isEmpty { heldBack += 1 }
                #expect(!piece.unicodeScalars.contains("\u{FFFD}") || entry.text.unicodeScalars.contains("\u{FFFD}"),
                        "split character in \(entry.text.debugDescription)")
                text += piece
            }
            text += decoder.finish()
            #expect(text == entry.text)
        }
        #expect(heldBack > 100, "the corpus has characters spread over several byte tokens")
    }

    @Test("an emoji ZWJ sequence split into byte tokens comes out only when each scalar is complete")
    func holdsBackPartialCharacters() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let family = "👨‍👩‍👧‍👦"
        let ids = tokenizer.encode(family)
        let partial = ids.filter { id in
            guard let bytes = tokenizer.bytes(of: id) else { return false }
            return String(validating: bytes, as: UTF8.self) == nil
        }
        #expect(!partial.isEmpty, "some tokens hold part of a character")
        var decoder = tokenizer.makeStreamingDecoder()
        var pieces: [String] = []
        for id in ids { pieces.append(decoder.push(id)) }
        pieces.append(decoder.finish())
        #expect(pieces.joined() == family)
        #expect(pieces.contains(""))
        for piece in pieces { #expect(!piece.unicodeScalars.contains("\u{FFFD}")) }
    }

    @Test("bytes that can never form a character are not held back; finish() flushes a cut-off one")
    func invalidAndUnfinishedBytes() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        func byteToken(_ byte: UInt8) throws -> Int32 {
            let id = tokenizer.id(of: ByteLevelAlphabet.spelling(of: [byte]))
            return try #require(id, "byte token \(byte)")
        }
        var decoder = tokenizer.makeStreamingDecoder()
        #expect(decoder.push(try byteToken(0xE4)) == "")
        #expect(decoder.push(try byteToken(0xB8)) == "")
        #expect(decoder.push(try byteToken(0xAD)) == "中")
        #expect(decoder.push(try byteToken(0x80)) == "\u{FFFD}")
        #expect(decoder.push(try byteToken(0xE0)) == "")
        #expect(decoder.push(try byteToken(0x80)) == "\u{FFFD}\u{FFFD}")
        #expect(decoder.push(try byteToken(0xF0)) == "")
        #expect(decoder.push(try byteToken(0x9F)) == "")
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.finish() == "")
    }
}
