import Testing
@testable import Stages

@Suite struct LengthenChecksTests {
    let checks = LengthenChecks()

    @Test func keepsALongerFinishedTextWithoutRepeats() {
        let text = "Tea came to Europe in the seventeenth century. Dutch traders brought the first chests to Amsterdam. Within decades it was sold in London coffee houses."
        #expect(checks.failure(of: text, previousWords: 10) == nil)
        #expect(checks.failure(of: text, previousWords: LengthCounter.count(text)) == .notLonger)
        #expect(checks.failure(of: text + " Then the", previousWords: 10) == .unfinished)
        #expect(checks.failure(of: "“He left at dawn.”", previousWords: 1) == nil, "closing quotes after the period are fine")
    }

    @Test func findsRepeatedTenWordNGrams() {
        let ten = "the caravan crossed the desert under a pale winter moon"
        #expect(checks.hasRepeatedNGram("At night \(ten). Years later \(ten)."))
        let nine = "the caravan crossed the desert under a pale winter"
        #expect(!checks.hasRepeatedNGram("At night \(nine) sky. Years later \(nine) light."), "nine shared words are allowed")
    }

    @Test func usesThirteenCharacterNGramsForChinese() {
        let thirteen = "商队在苍白的冬月下穿越了沙漠"  // 14 characters
        #expect(checks.hasRepeatedNGram("夜里，\(thirteen)。多年以后，\(thirteen)。"))
        let twelve = "商队在苍白的冬月下穿越"  // 11 characters
        #expect(!checks.hasRepeatedNGram("夜里，\(twelve)了戈壁。多年以后，\(twelve)了沙漠。"))
    }
}

@Suite struct TextHalvesTests {
    @Test func splitsAtTheParagraphNearestTheMiddle() {
        let paragraphs = ["One two three four five six.", "Seven eight.", "Nine ten eleven twelve.", "Thirteen fourteen fifteen sixteen."]
        let halves = TextHalves.split(paragraphs.joined(separator: "\n\n"))
        #expect(halves.first == paragraphs[0...1].joined(separator: "\n\n"))
        #expect(halves.second == paragraphs[2...3].joined(separator: "\n\n"))
    }

    @Test func splitsOneParagraphBetweenSentencesAndKeepsASingleSentence() {
        let halves = TextHalves.split("First sentence here. Second one now. Third is this. Fourth ends it.")
        #expect(halves.first == "First sentence here. Second one now.")
        #expect(halves.second == "Third is this. Fourth ends it.")
        #expect(TextHalves.split("Only one sentence.") == ("Only one sentence.", ""))
        #expect(TextHalves.split("第一句。第二句。") == ("第一句。", "第二句。"))
    }
}
