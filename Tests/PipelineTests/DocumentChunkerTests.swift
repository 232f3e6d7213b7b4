import Foundation
import Testing
import TestSupport
@testable import Stages

/// The chunker on texts built here so each test knows its exact sizes: paragraphs of numbered
/// words, chapter headings, reference lists, an unfinished tail, Chinese text.
@Suite struct DocumentChunkerTests {
    /// A paragraph of `words` words in sentences of ten, each word unique to its paragraph.
    func paragraph(_ id: String, words: Int) -> String {
        var sentences: [String] = []
        var remaining = words
        var n = 0
        while remaining > 0 {
            let count = min(10, remaining)
            sentences.append((0..<count).map { i in "w\(id)x\(n + i)" }.joined(separator: " ") + ".")
            n += count
            remaining -= count
        }
        return sentences.joined(separator: " ")
    }

    @Test func cutsAtChapterBoundariesWithinTheSizeRange() {
        var parts: [String] = []
        for chapter in 1...3 {
            parts.append("Chapter \(chapter)")
            for p in 0..<4 { parts.append(paragraph("c\(chapter)p\(p)", words: 80)) }
        }
        let text = parts.joined(separator: "\n\n")
        let result = DocumentChunker(minWords: 250, maxWords: 500).chunk(text)
        #expect(result.documents.count == 3)
        for (i, document) in result.documents.enumerated() {
            #expect(document.text.hasPrefix("Chapter \(i + 1)\n\n"), "document \(i) starts at its chapter")
            #expect((250...500).contains(document.words))
            #expect(document.words == LengthCounter.count(document.text))
        }
        #expect(result.documents.map(\.firstParagraph) == [0, 5, 10])
        #expect(result.fragmentWords == 0 && result.referenceWords == 0)
        // Room for two chapters in one document: still no chapter is split.
        let wider = DocumentChunker(minWords: 250, maxWords: 700).chunk(text)
        #expect(wider.documents.count == 2)
        #expect(wider.documents.allSatisfy { $0.text.hasPrefix("Chapter ") && (250...700).contains($0.words) })
    }

    @Test func balancesSizesInsteadOfLeavingAFragment() {
        let text = (0..<6).map { paragraph("p\($0)", words: 100) }.joined(separator: "\n\n")
        let result = DocumentChunker(minWords: 200, maxWords: 500).chunk(text)
        #expect(result.documents.map(\.words) == [300, 300])
        #expect(result.fragmentWords == 0)
    }

    @Test func dropsTrailingFragmentsAndAnUnfinishedLastParagraph() {
        var paragraphs = (0..<5).map { paragraph("p\($0)", words: 100) }
        let exact = DocumentChunker(minWords: 200, maxWords: 200).chunk(paragraphs.joined(separator: "\n\n"))
        #expect(exact.documents.map(\.words) == [200, 200])
        #expect(exact.fragmentWords == 100)

        paragraphs = (0..<4).map { paragraph("q\($0)", words: 100) } + ["and then the story stops without an"]
        let cut = DocumentChunker(minWords: 150, maxWords: 450).chunk(paragraphs.joined(separator: "\n\n"))
        #expect(cut.fragmentWords == 7)
        #expect(cut.documents.allSatisfy { SentenceEnd.isComplete($0.text) })
        #expect(cut.documents.reduce(0) { $0 + $1.words } == 400)
    }

    @Test func leavesOutReferenceLists() {
        let body = (0..<4).map { paragraph("b\($0)", words: 100) }
        let references = ["References", "[1] Smith, J. (2004). Rivers and towns. Journal of Water, 3(2), 1–20.",
                          "[2] Chen, L. (2011). Bridges. Oxford University Press."]
        let later = ["Chapter 2", paragraph("later", words: 100)]
        let text = (body + references + later).joined(separator: "\n\n")
        let result = DocumentChunker(minWords: 100, maxWords: 600).chunk(text)
        let joined = result.documents.map(\.text).joined(separator: "\n\n")
        #expect(!joined.contains("Smith") && !joined.contains("References"))
        #expect(joined.contains("Chapter 2"), "the chapter after the reference list is kept")
        #expect(result.referenceWords == references.reduce(0) { $0 + LengthCounter.count($1) })

        // Entries at the very end without a heading go too.
        let tail = (body + ["Smith, J. (2004). Rivers and towns. Journal of Water, 3(2), 1–20."]).joined(separator: "\n\n")
        let trailing = DocumentChunker(minWords: 100, maxWords: 600).chunk(tail)
        #expect(!trailing.documents.map(\.text).joined().contains("Smith"))
        #expect(trailing.referenceWords > 0)

        let kept = DocumentChunker(minWords: 100, maxWords: 600, dropReferences: false).chunk(text)
        #expect(kept.documents.map(\.text).joined().contains("Smith"))
    }

    @Test func splitsAParagraphTooLongForTheRangeBetweenSentences() {
        let result = DocumentChunker(minWords: 200, maxWords: 400).chunk(paragraph("long", words: 1000))
        #expect(result.documents.count >= 3)
        for document in result.documents {
            #expect((200...400).contains(document.words))
            #expect(document.text.hasSuffix("."))
            #expect(!document.text.contains("\n"))
        }
        #expect(result.documents.reduce(0) { $0 + $1.words } + result.fragmentWords == 1000)
    }

    @Test func countsAndCutsChineseByCharacters() {
        let sentence = "河流穿过古老的城市，桥上人来人往。"  // 15 characters counted
        #expect(LengthCounter.count(sentence) == 15)
        var parts: [String] = []
        for (i, title) in ["第一章 春", "第二章 夏"].enumerated() {
            parts.append(title)
            for _ in 0..<3 { parts.append(String(repeating: sentence, count: 10 + i)) }
        }
        let result = DocumentChunker(minWords: 300, maxWords: 600).chunk(parts.joined(separator: "\n\n"))
        #expect(result.documents.count == 2)
        #expect(result.documents[0].text.hasPrefix("第一章"))
        #expect(result.documents[1].text.hasPrefix("第二章"))
        #expect(result.documents.allSatisfy { (300...600).contains($0.words) })

        // A long Chinese paragraph is cut after 。 with nothing inserted between its sentences.
        let long = DocumentChunker(minWords: 100, maxWords: 200).chunk(String(repeating: sentence, count: 30))
        #expect(long.documents.count >= 2)
        #expect(long.documents.allSatisfy { $0.text.hasSuffix("。") && !$0.text.contains(" ") })
    }

    @Test func aTextShorterThanTheMinimumGivesNoDocument() {
        let result = DocumentChunker(minWords: 500, maxWords: 1000).chunk(paragraph("short", words: 120))
        #expect(result.documents.isEmpty)
        #expect(result.fragmentWords == 120)
    }

    @Test func recognisesParagraphRoles() {
        #expect(ParagraphRole.of("Chapter 7") == .chapterHeading)
        #expect(ParagraphRole.of("CHAPTER IV: The Flood") == .chapterHeading)
        #expect(ParagraphRole.of("## Methods") == .chapterHeading)
        #expect(ParagraphRole.of("第三章 归来") == .chapterHeading)
        #expect(ParagraphRole.of("The Harbour at Dawn") == .titleLine)
        #expect(ParagraphRole.of("Works Cited") == .referencesHeading)
        #expect(ParagraphRole.of("参考文献") == .referencesHeading)
        #expect(ParagraphRole.of("Okafor, N. (2019). Tides of trade. Lagos: Harbour Press.") == .referenceEntry)
        #expect(ParagraphRole.of("The chapter ends here, as the tide turns and the boats come home.") == .body)
    }
}

/// The chunker on the sample long texts shipped in `data/sample/long-texts`.
@Suite struct SampleLongTextTests {
    func read(_ name: String) throws -> String {
        try String(contentsOfFile: Repository.path("data/sample/long-texts/" + name), encoding: .utf8)
    }

    @Test func theChapterHistoryIsCutAtChaptersWithoutItsReferences() throws {
        let result = DocumentChunker(minWords: 1000, maxWords: 2000).chunk(try read("saltmere-history.txt"))
        #expect(result.documents.count == 2)
        #expect(result.documents.allSatisfy { (1000...2000).contains($0.words) })
        #expect(result.documents[1].text.hasPrefix("Chapter 3"), "the cut falls on a chapter boundary")
        #expect(!result.documents.contains { $0.text.contains("Record Office") || $0.text.contains("References") })
        #expect(result.referenceWords > 50)
    }

    @Test func theChineseEssayIsCutAtChaptersWhenTheSizesAllowIt() throws {
        let text = try read("qingshi-steps-zh.txt")
        // Chapters of about 800 characters: with 700–1,800 the cuts fall on chapter headings…
        let chapters = DocumentChunker(minWords: 700, maxWords: 1800).chunk(text)
        #expect(chapters.documents.count >= 2)
        #expect(chapters.documents.allSatisfy { (700...1800).contains($0.words) && SentenceEnd.isComplete($0.text) })
        #expect(chapters.documents.first?.text.hasPrefix("青石镇的石阶\n\n第一章") == true)
        #expect(chapters.documents.dropFirst().allSatisfy { $0.text.hasPrefix("第") })
        #expect(chapters.documents.map(\.text).allSatisfy { !$0.contains("参考文献") && !$0.contains("出版社") })
        // …with 1,000–2,000 no chapter boundary fits, so the cut falls between paragraphs.
        let paragraphs = DocumentChunker(minWords: 1000, maxWords: 2000).chunk(text)
        #expect(paragraphs.documents.count == 2)
        #expect(paragraphs.documents.allSatisfy { (1000...2000).contains($0.words) })
        #expect(paragraphs.documents[1].firstParagraph > paragraphs.documents[0].lastParagraph)
    }

    @Test func theStoryWithoutChaptersIsCutAtParagraphs() throws {
        let text = try read("the-night-ferry.txt")
        let result = DocumentChunker(minWords: 1000, maxWords: 2000).chunk(text)
        #expect(result.documents.count == 2)
        let paragraphs = Set(TextSegments.paragraphs(TextNormalizer.normalize(text)))
        for document in result.documents {
            #expect(TextSegments.paragraphs(document.text).allSatisfy { paragraphs.contains($0) }, "only whole paragraphs")
        }
        #expect(result.fragmentWords == 0)
    }
}
