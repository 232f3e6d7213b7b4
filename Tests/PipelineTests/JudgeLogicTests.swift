import Testing
@testable import Pipeline
@testable import Stages

/// The judge's pieces that need no model: cutting an answer into segments with their plan points
/// and context, and reading a judgement.
@Suite struct JudgeLogicTests {
    static func paragraph(_ topic: String, words: Int) -> String {
        (0..<words / 10).map { "The \(topic) section says sentence \($0) with several more words here." }.joined(separator: " ")
    }

    @Test func segmentsAreWholeParagraphsWithTheirPlanPointsAndWhatCameBefore() {
        let paragraphs = ["alpha", "beta", "gamma", "delta"].map { Self.paragraph($0, words: 300) }
        let answer = paragraphs.joined(separator: "\n\n")
        let half = LengthCounter.count(paragraphs[0]) * 2
        let steps = [("Open with alpha.", half), ("Cover gamma and delta.", half)]
        let segments = AnswerSegmenter.segments(answer, maxWords: half + 10, steps: steps)
        #expect(segments.count == 2)
        #expect(segments.map(\.words).reduce(0, +) == LengthCounter.count(answer))
        #expect(segments[0].planPoints == ["Open with alpha."] && segments[1].planPoints == ["Cover gamma and delta."])
        #expect(segments[0].before.contains("beginning"))
        #expect(segments[1].before.contains("The alpha section") && segments[1].before.contains("The beta section"))
        #expect(!segments[1].before.contains("gamma"))
        #expect(segments[1].text.hasPrefix("The gamma section"))
    }

    @Test func aParagraphLongerThanASegmentIsCutBetweenSentences() {
        let answer = Self.paragraph("long", words: 1000)
        let segments = AnswerSegmenter.segments(answer, maxWords: 300)
        #expect(segments.count >= 3)
        #expect(segments.allSatisfy { $0.words <= 300 })
        #expect(segments.map(\.words).reduce(0, +) == LengthCounter.count(answer))
    }

    @Test func readsCompleteJudgementsOnly() throws {
        let good = #"{"analysis": "Clear but thin.", "relevance": 4, "accuracy": 3, "coherence": 4, "clarity": 5, "breadth_and_depth": 2, "reading_experience": 3}"#
        let judgement = try #require(Judgement(parsing: good))
        #expect(judgement.scores == [4, 3, 4, 5, 2, 3])
        #expect(abs(judgement.qualityScore - (21.0 / 6 - 1) * 25) < 1e-9)
        #expect(Judgement(parsing: #"{"analysis": "x", "relevance": 4}"#) == nil, "a missing dimension")
        #expect(Judgement(parsing: good.replacingOccurrences(of: "\"clarity\": 5", with: "\"clarity\": 7")) == nil, "out of range")
        #expect(Judgement(parsing: String(good.dropLast(20))) == nil, "cut off")
    }
}
