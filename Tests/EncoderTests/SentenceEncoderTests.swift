import Foundation
import Testing
@testable import Decoder

@Suite("Sentence encoder against sentence-transformers", .enabled(if: TestEncoder.installed, TestEncoder.skipReason))
struct SentenceEncoderTests {
    /// Fixture written by scripts/reference/embedding_fixture.py: sentences and their
    /// sentence-transformers embeddings (float16).
    private func references() throws -> [(String, [Float])] {
        try TestEncoder.fixture("embeddings").map { item in
            let text = try #require(item["text"] as? String)
            let packed = try #require(item["embedding_f16"] as? String)
            let data = try #require(Data(base64Encoded: packed))
            let vector = data.withUnsafeBytes { raw in
                (0 ..< raw.count / 2).map { HalfFloat.float(fromHalf: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian) }
            }
            return (text, vector)
        }
    }

    @Test("every embedding has cosine ≥ 0.999 to the reference, in one batched call")
    func matchesReference() throws {
        let encoder = try #require(TestEncoder.encoder)
        let cases = try references()
        #expect(cases.count >= 200)
        let embeddings = encoder.encode(cases.map(\.0))
        #expect(embeddings.count == cases.count)
        let cosines = zip(embeddings, cases).map { cosine($0, $1.1) }
        let worst = cosines.indices.min { cosines[$0] < cosines[$1] }!
        #expect(cosines[worst] >= 0.999, "worst cosine \(cosines[worst]) for \(cases[worst].0.debugDescription)")
        for embedding in embeddings {
            #expect(embedding.count == encoder.dimension)
            #expect(abs(embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4, "unit length")
        }
    }

    @Test("the published similarities of sentence-transformers' quick-start sentences")
    func publishedSimilarity() throws {
        let encoder = try #require(TestEncoder.encoder)
        let e = encoder.encode(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
        #expect(abs(cosine(e[0], e[1]) - 0.6660) < 0.002)
        #expect(abs(cosine(e[0], e[2]) - 0.1046) < 0.002)
        #expect(abs(cosine(e[1], e[2]) - 0.1411) < 0.002)
    }

    @Test("a text's embedding does not depend on the batch it is encoded in")
    func batchIndependent() throws {
        let encoder = try #require(TestEncoder.encoder)
        let texts = ["short", "A much longer sentence about the budget of the city council for next year.",
                     "", String(repeating: "word ", count: 400), "中文 and English"]
        let together = encoder.encode(texts)
        for (text, embedding) in zip(texts, together) {
            #expect(cosine(encoder.encode([text])[0], embedding) > 0.99999)
        }
        #expect(encoder.encode([]).isEmpty)
    }
}
