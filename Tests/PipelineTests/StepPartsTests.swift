import Testing
@testable import Pipeline
@testable import Stages

/// A long plan step written in parts (`part_words`), and the step entry the parts make.
@Suite struct StepPartsTests {
    @Test func aStepIsSplitIntoPartsOfAboutEqualWords() {
        let whole = StepParts(wordCount: 400, partWords: 0)
        #expect(whole.count == 1 && whole.words(of: 0) == 400 && whole.note(0).isEmpty && whole.label(0).isEmpty)
        #expect(StepParts(wordCount: 150, partWords: 150).count == 1)
        let parts = StepParts(wordCount: 710, partWords: 150)
        #expect(parts.count == 5)
        #expect((0 ..< 5).map(parts.words) == [142, 142, 142, 142, 142] || (0 ..< 5).map(parts.words).reduce(0, +) == 710)
        #expect((0 ..< 5).map(parts.words).reduce(0, +) == 710 && (0 ..< 5).map(parts.words).allSatisfy { $0 <= 150 })
        #expect(parts.note(0) == " (write part 1 of 5 of this paragraph, about 142 words)")
        #expect(parts.note(2).contains("part 3 of 5") && parts.note(2).contains("continuing it from the text so far"))
        #expect(parts.label(4) == " part 5 of 5")
    }

    @Test func partsCombineIntoOneStepEntryWithWordWeightedRelevance() {
        func part(_ words: Int, _ instruction: Double, _ plan: Double, looped: Bool = false) -> [String: JSONValue] {
            ["words": .int(words), "planned_words": 100, "attempts": 1, "looped": .bool(looped),
             "relevance": SectionRelevance(instruction: instruction, plan: plan, paragraphs: 2, offTopicParagraphs: instruction < 0.15 ? 2 : 0).json]
        }
        let step = StepParts.combined([part(100, 0.5, 0.4), part(300, 0.1, 0.2, looped: true)], plannedWords: 400)
        #expect(step["words"] == 400 && step["planned_words"] == 400 && step["attempts"] == 2 && step["looped"] == true)
        #expect(step["parts"]?.array?.count == 2)
        let relevance = step["relevance"]
        #expect(relevance?["instruction"]?.double == 0.2 && relevance?["plan"]?.double == 0.25 && relevance?["score"]?.double == 0.225)
        #expect(relevance?["paragraphs"] == 4 && relevance?["off_topic_paragraphs"] == 2)
        let single = part(100, 0.5, 0.4)
        #expect(StepParts.combined([single], plannedWords: 100) == single, "a step written whole keeps its entry")
        var unscored = single
        unscored["relevance"] = nil
        #expect(StepParts.combined([unscored, unscored], plannedWords: 200)["relevance"] == nil)
    }
}
