import Testing
import TestSupport
@testable import Pipeline
@testable import Stages

/// Each quality rule of `dedup-filter` on crafted texts at, just inside and just past its threshold.
/// Only the rule under test is switched on, so a text's other properties cannot interfere.
@Suite struct FilterRuleTests {
    /// A checker running only `rule`, with `adjust` applied to the default thresholds.
    static func only(_ rule: String, _ adjust: (inout QualitySettings) -> Void = { _ in }) -> QualityChecker {
        var settings = QualitySettings()
        adjust(&settings)
        settings.disabled = Set(settings.ruleNames).subtracting([rule])
        return QualityChecker(settings: settings)
    }

    static func failure(_ checker: QualityChecker, instruction: String = "Write an essay.", _ response: String,
                        required: Int? = nil) -> RuleVerdict? {
        checker.check(instruction: instruction, response: response, requiredWords: required).failure
    }

    /// `count` distinct five-letter words (`baaaa`, `caaaa`, …), none repeating.
    static func words(_ count: Int, from start: Int = 0) -> [String] {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return (start..<start + count).map { i in
            var n = i, word = ""
            for _ in 0..<5 { word.append(letters[n % 26]); n /= 26 }
            return word
        }
    }

    @Test func wordCountBounds() {
        let few = Self.only("too_few_words") { $0.minWords = 100 }
        #expect(Self.failure(few, Self.words(100).joined(separator: " ") + ".") == nil)
        let verdict = Self.failure(few, Self.words(99).joined(separator: " ") + ".")
        #expect(verdict?.rule == "too_few_words" && verdict?.value == 99 && verdict?.threshold == 100)
        let many = Self.only("too_many_words") { $0.maxWords = 50 }
        #expect(Self.failure(many, Self.words(50).joined(separator: " ")) == nil)
        #expect(Self.failure(many, Self.words(51).joined(separator: " "))?.value == 51)
        // CJK characters count one each, as LongBench-Write counts them.
        #expect(Self.failure(few, String(repeating: "长", count: 100)) == nil)
        #expect(Self.failure(few, String(repeating: "长", count: 99))?.value == 99)
    }

    @Test func lengthScoreAgainstRequiredLength() {
        let text = Self.words(2200).joined(separator: " ")
        let measured = LengthScore.score(required: 1000, produced: 2200)
        #expect(Self.failure(Self.only("low_length_score") { $0.minLengthScore = measured }, text, required: 1000) == nil)
        let past = Self.failure(Self.only("low_length_score") { $0.minLengthScore = measured + 0.01 }, text, required: 1000)
        #expect(past?.rule == "low_length_score" && past?.value.double.map { abs($0 - measured) < 0.001 } == true)
        // Too short: 556 of 1,000 words scores just over 60, 555 just under.
        let checker = Self.only("low_length_score") { $0.minLengthScore = 60 }
        #expect(Self.failure(checker, Self.words(556).joined(separator: " "), required: 1000) == nil)
        #expect(Self.failure(checker, Self.words(555).joined(separator: " "), required: 1000) != nil)
        // Without a required length the rule does not apply (and is not counted as checked).
        let report = checker.check(instruction: "x", response: "short.", requiredWords: nil)
        #expect(report.failure == nil && report.checked.isEmpty && report.lengthScore == nil)
    }

    @Test func truncationMeansEndingMidSentence() {
        let checker = Self.only("truncated")
        for complete in ["It ended.", "Did it end?", "It ended!\n\n", "He said “it ended.”", "(It ended.)", "它结束了。",
                         "**Done.**", "Code:\n```\nx = 1\n```", "Wait…"] {
            #expect(Self.failure(checker, complete) == nil, "\(complete)")
        }
        for cut in ["It ended with the", "The list: 1, 2,", "Consider the following:", "它结束了，但是"] {
            let verdict = Self.failure(checker, cut)
            #expect(verdict?.rule == "truncated", "\(cut)")
            #expect(verdict?.value.string == SentenceEnd.tail(cut))
        }
    }

    @Test func languageMismatchBetweenInstructionAndResponse() {
        let checker = Self.only("language_mismatch")
        #expect(Self.failure(checker, instruction: "写一篇关于长城的文章", "长城是中国古代的伟大工程。") == nil)
        let verdict = Self.failure(checker, instruction: "写一篇关于长城的文章", "The Great Wall is an ancient structure.")
        #expect(verdict?.rule == "language_mismatch" && verdict?.value == "zh→latin")
        #expect(Self.failure(checker, instruction: "Write about Tokyo.", "東京は日本の首都です。")?.value == "latin→ja")
        // An instruction without letters says nothing about the language.
        let report = checker.check(instruction: "2024?", response: "Anything at all.", requiredWords: nil)
        #expect(report.failure == nil && report.checked.isEmpty)
    }

    @Test func planArtefactsAreCountedPerLine() {
        let clean = "Part 1: The origins\nThe first paragraph of the story was long.\nSection 2 covers trade."
        let leaked = "Paragraph 1 - Main Point: The origins - Word Count: 500 words\nThe story begins."
        #expect(Self.failure(Self.only("plan_artefact"), clean) == nil)
        let verdict = Self.failure(Self.only("plan_artefact"), leaked)
        #expect(verdict?.rule == "plan_artefact" && verdict?.value == 1 && verdict?.threshold == 0)
        #expect(Self.failure(Self.only("plan_artefact") { $0.maxPlanLines = 1 }, leaked) == nil)
        let two = leaked + "\n## Paragraph 2\nMore text.\nWord count: 300"
        #expect(Self.failure(Self.only("plan_artefact") { $0.maxPlanLines = 1 }, two)?.value == 3)
        #expect(Self.failure(Self.only("plan_artefact"), "第2段：发展历史\n正文。")?.rule == "plan_artefact")
    }

    @Test func metaTalkAndErrorText() {
        let meta = Self.only("meta_talk")
        #expect(Self.failure(meta, "Of course the economy grew. Certainly the war changed it. He paid as requested.") == nil)
        for talk in ["Sure! Here is the essay you asked for.", "As an AI language model, I think so.",
                     "The end.\nI hope this helps!", "In this paragraph, I will describe trade.", "好的，以下是关于长城的文章。",
                     // Written by the default model in a real build:
                     "When doing my writing I make sure to keep the main point remains the same.",
                     "You may change your paragraphs without replacing the text as requested above."] {
            #expect(Self.failure(meta, talk)?.rule == "meta_talk", "\(talk)")
        }
        let errors = Self.only("error_text")
        #expect(Self.failure(errors, "The error in his reasoning was clear. An exception proves the rule.") == nil)
        for failure in ["The text.<|im_end|>", "Traceback (most recent call last):\n  File x", "Error: model overloaded",
                        "text [truncated]", "Internal Server Error"] {
            #expect(Self.failure(errors, failure)?.rule == "error_text", "\(failure)")
        }
    }

    @Test func duplicateLinesAndParagraphs() {
        // 10 lines of equal length, `repeats` of them copies of the first.
        func lines(_ repeats: Int, separator: String) -> String {
            let distinct = Self.words(10 - repeats).map { "line \($0) here." }
            return (distinct + Array(repeating: distinct[0], count: repeats)).joined(separator: separator)
        }
        for (rule, separator) in [("duplicate_lines", "\n"), ("duplicate_paragraphs", "\n\n")] {
            let checker = Self.only(rule)
            #expect(Self.failure(checker, lines(3, separator: separator)) == nil, "0.3 is allowed")
            let verdict = Self.failure(checker, lines(4, separator: separator))
            #expect(verdict?.rule == rule && verdict?.value == 0.4 && verdict?.threshold == 0.3)
        }
        for (rule, separator) in [("duplicate_line_chars", "\n"), ("duplicate_paragraph_chars", "\n\n")] {
            let checker = Self.only(rule)
            #expect(Self.failure(checker, lines(2, separator: separator)) == nil, "0.2 is allowed")
            #expect(Self.failure(checker, lines(3, separator: separator))?.value == 0.3)
        }
        // Paragraph repeats are not line repeats when the paragraph spans lines, and vice versa.
        let stats = RepetitionStatistics(text: "a\nb\n\na\nb", units: TextUnits("a b a b"), topSizes: [], duplicateSizes: [])
        #expect(stats.duplicateLineFraction == 0.5 && stats.duplicateParagraphFraction == 0.5)
    }

    @Test func topNGramFraction() {
        // 100 five-letter words (500 characters); a 2-gram repeated k times covers 10·k of them.
        func text(repeats: Int) -> String {
            let filler = Self.words(100 - 2 * repeats, from: 100)
            return (Array(repeating: "alpha gamma", count: repeats) + filler).joined(separator: " ")
        }
        let checker = Self.only("top_2gram")
        #expect(Self.failure(checker, text(repeats: 10)) == nil, "exactly 0.2")
        let verdict = Self.failure(checker, text(repeats: 11))
        #expect(verdict?.rule == "top_2gram" && verdict?.value == 0.22 && verdict?.threshold == 0.2)
        #expect(Self.failure(Self.only("top_3gram") { $0.maxTopNGramFraction[3] = 0.05 }, text(repeats: 0)) == nil)
        let units = TextUnits(text(repeats: 11))
        #expect(RepetitionStatistics.topNGramCharacters(units, n: 2) == 110)
    }

    @Test func duplicateNGramFraction() {
        // 100 words of five letters; a passage of `length` words appears twice, so its second copy
        // (every 5-gram of which occurred before) covers `length` words.
        func text(passage length: Int) -> String {
            let passage = Self.words(length, from: 500)
            return (passage + Self.words(100 - 2 * length, from: 1000) + passage).joined(separator: " ")
        }
        let checker = Self.only("duplicate_5gram")
        #expect(Self.failure(checker, text(passage: 15)) == nil, "exactly 0.15")
        let verdict = Self.failure(checker, text(passage: 16))
        #expect(verdict?.rule == "duplicate_5gram" && verdict?.value == 0.16 && verdict?.threshold == 0.15)
        #expect(Self.failure(Self.only("duplicate_10gram"), text(passage: 10)) == nil)
        #expect(Self.failure(Self.only("duplicate_10gram"), text(passage: 11))?.value == 0.11)
        // A passage shorter than n repeats no n-gram.
        #expect(RepetitionStatistics.duplicateNGramCharacters(TextUnits(text(passage: 4)), n: 5) == 0)
    }

    @Test func cjkNGramsCountTwoCharactersPerWord() {
        // 200 distinct CJK characters; a 10-character passage repeated once is a repeated 5-gram of "words".
        let base = (0..<200).map { Character(Unicode.Scalar(0x4E00 + $0 * 7)!) }
        let passage = base[0..<10]
        let text = String(passage) + String(base[10..<190]) + String(passage)
        let stats = RepetitionStatistics(text: text, units: TextUnits(text), topSizes: [], duplicateSizes: [5, 6])
        #expect(stats.duplicateNGramFraction[5] == 0.05)
        #expect(stats.duplicateNGramFraction[6] == 0)
    }

    @Test func rulesRunInOrderAndStopAtTheFirstFailure() {
        let checker = QualityChecker(settings: QualitySettings())
        let report = checker.check(instruction: "Write an essay.", response: "Too short and cut", requiredWords: 2000)
        #expect(report.failure?.rule == "too_few_words")
        #expect(report.checked == ["too_few_words"])
        var settings = QualitySettings()
        settings.disabled = ["too_few_words"]
        let next = QualityChecker(settings: settings).check(instruction: "Write an essay.", response: "Too short and cut", requiredWords: 2000)
        #expect(next.checked == ["too_many_words", "low_length_score"])
    }

    @Test func settingsFromPipelineParams() throws {
        let yaml = """
        name: t
        stages:
          - name: f
            kind: dedup-filter
            params:
              min_words: 10
              max_top_ngram_fraction: {2gram: 0.5}
              disable: [truncated, meta_talk]
              near_dedup: {fields: [response], permutations: 64, bands: 8, threshold: 0.8}
        """
        let config = try PipelineConfig(document: ConfigDocument(file: "p.yaml", text: yaml))
        let settings = try DedupFilterSettings(config.stages[0].params)
        #expect(settings.quality.minWords == 10 && settings.quality.maxTopNGramFraction == [2: 0.5])
        #expect(settings.quality.disabled == ["truncated", "meta_talk"])
        #expect(settings.nearDedupFields == [.response] && settings.minHash.rows == 8 && settings.minHash.threshold == 0.8)
        for (bad, message) in [("disable: [nope]", "unknown rule"), ("near_dedup: {bands: 5}", "must divide"),
                               ("max_top_ngram_fraction: {2gram: 1.5}", "out of range"), ("max_top_ngram_fraction: {2: 0.1}", "unknown key"), ("min_word: 3", "unknown key")] {
            let text = "name: t\nstages:\n  - name: f\n    kind: dedup-filter\n    params:\n      \(bad)\n"
            let config = try PipelineConfig(document: ConfigDocument(file: "p.yaml", text: text))
            #expect(throws: PipelineError.self) { _ = try DedupFilterSettings(config.stages[0].params) }
            do { _ = try DedupFilterSettings(config.stages[0].params) } catch { #expect("\(error)".contains(message), "\(error)") }
        }
    }
}
