import Testing
import TestSupport
import Pipeline
@testable import Stages

@Suite struct LengthPredictionTests {
    @Test func parsesDriftedAnswers() {
        #expect(LengthAnswerParser.parseYesNo("### Yes") == true)
        #expect(LengthAnswerParser.parseYesNo("**No**, a short answer suffices.") == false)
        #expect(LengthAnswerParser.parseYesNo("Answer: yes.") == true)
        #expect(LengthAnswerParser.parseYesNo(#"{"needs_long_answer": false}"#) == false)
        #expect(LengthAnswerParser.parseYesNo("I think maybe") == nil)
        #expect(LengthAnswerParser.parseBucket(#"Category: "4000 words""#) == .words4000)
        #expect(LengthAnswerParser.parseBucket("### 8,000") == .words8000)
        #expect(LengthAnswerParser.parseBucket("less than 2000 words") == .under2000)
        #expect(LengthAnswerParser.parseBucket("16k") == .words16000)
        #expect(LengthAnswerParser.parseBucket(#"{"category": "2000"}"#) == .words2000)
        #expect(LengthAnswerParser.parseBucket("a lot") == nil)
    }

    @Test func lengthScoreMatchesLongBenchWrite() {
        #expect(LengthScore.score(required: 1000, produced: 1000) == 100)
        #expect(abs(LengthScore.score(required: 1000, produced: 1300) - 90) < 1e-9)
        #expect(abs(LengthScore.score(required: 1000, produced: 800) - 87.5) < 1e-9)
        #expect(LengthScore.score(required: 1000, produced: 4000) == 0)
        #expect(LengthScore.score(required: 1000, produced: 333) == 0)
        #expect(LengthScore.score(required: 1000, produced: 0) == 0)
    }
}

@Suite struct PlanTests {
    @Test func parsesDriftedPlanLines() {
        let text = """
            Here is the plan:
            Paragraph 1 - Main Point: Introduce Hong Kong and its history - Word Count: 400 words
            **Paragraph 2** - **Main Point**: Getting around by MTR and ferry - **Word Count**: 500 words
            Paragraph 3: Main point: Food and dim sum. Word count: 600
            - Paragraph 4 – Main Point: Day trips to Lantau | Word Count: 1,000 words
            段落5 - 要点：购物与夜市 - 字数：300字
            Nothing useful here.
            """
        let steps = PlanParser.parse(text)
        #expect(steps.map(\.wordCount) == [400, 500, 600, 1000, 300])
        #expect(steps[1].mainPoint == "Getting around by MTR and ferry")
        #expect(steps[4].mainPoint == "购物与夜市")
    }

    @Test func parsesJSONPlans() {
        let steps = PlanParser.parse(#"{"paragraphs":[{"main_point":"Intro","word_count":300},{"main_point":"Body","word_count":700}]}"#)
        #expect(steps == [PlanStep(mainPoint: "Intro", wordCount: 300), PlanStep(mainPoint: "Body", wordCount: 700)])
    }

    @Test func validatesAndRepairs() {
        let validator = PlanValidator()
        let good = [PlanStep(mainPoint: "a", wordCount: 500), PlanStep(mainPoint: "b", wordCount: 500)]
        #expect(validator.problems(good, required: 1000).isEmpty)
        #expect(!validator.problems(good, required: 2000).isEmpty)
        for required in [1000, 2000, 3000, 5000, 8000, 16000, 20000] {
            for plan in [good, [PlanStep(mainPoint: "only", wordCount: 50)], (1...60).map { PlanStep(mainPoint: "p\($0)", wordCount: 900) }] {
                let repaired = validator.repair(plan, required: required)
                #expect(repaired != nil, "required \(required)")
                if let repaired { #expect(validator.problems(repaired, required: required).isEmpty, "required \(required): \(validator.problems(repaired, required: required))") }
            }
        }
        #expect(validator.repair([], required: 2000) == nil)
    }

    @Test func repeatedMainPointsAreAProblemAndRepairDropsThem() {
        let validator = PlanValidator()
        let looping = [PlanStep(mainPoint: "Machines", wordCount: 500), PlanStep(mainPoint: "Grinders", wordCount: 500)]
            + Array(repeating: PlanStep(mainPoint: "The guide is  divided into 3 sections.", wordCount: 500), count: 6)
            + [PlanStep(mainPoint: "the guide is divided into 3 SECTIONS.", wordCount: 500)]
        #expect(validator.problems(looping, required: 4500).contains("6 main point(s) repeat an earlier one"))
        let repaired = validator.repair(looping, required: 4500)
        // 4,500 words over three distinct points: each split in two parts of 750.
        #expect(repaired?.filter { !$0.mainPoint.contains("(continued") }.map(\.mainPoint)
                == ["Machines", "Grinders", "The guide is  divided into 3 sections."])
        #expect(repaired?.count == 6)
        if let repaired { #expect(validator.problems(repaired, required: 4500).isEmpty) }
    }
}

@Suite struct StepCleanerTests {
    @Test func removesHeadingsMetaTalkAndRepeats() {
        let previous = "Hong Kong is a vibrant city with a long and fascinating history of trade."
        let written = """
            Paragraph 2 - Main Point: Transport - Word Count: 500 words
            Sure, here is the next paragraph.
            Hong Kong is a vibrant city with a long and fascinating history of trade. The MTR connects every district quickly.
            Word Count: 500 words
            Ferries cross the harbour every few minutes
            """
        let result = StepCleaner.clean(written, previous: previous)
        #expect(result.text == "The MTR connects every district quickly.")
        #expect(!result.looped)
    }

    @Test func dropsPlanEchoesInsideALineAndEndsOnAFullSentence() {
        let written = "The old town wakes early. Main Point: the markets - Word Count: 400 words. Stalls open at six (most of them)"
        let result = StepCleaner.clean(written, previous: "")
        #expect(result.text == "The old town wakes early.")
        #expect(!ArtefactPatterns.contains(.plan, in: result.text) && SentenceEnd.isComplete(result.text))
        // Closing quotes and brackets after the full stop stay.
        #expect(StepCleaner.clean("He said \"Go.\" Then (as always.) we left", previous: "").text == "He said \"Go.\" Then (as always.)")
        #expect(StepCleaner.clean("A whole sentence (with an aside).", previous: "").text == "A whole sentence (with an aside).")
    }

    @Test func dropsSentencesEchoingThePromptsInstructions() throws {
        let template = try PromptTemplate(file: "write.txt", text: """
            [user]
            Here is the original writing request, my plan, and what I have written so far.
            {{instruction}}
            Write only this part, in flowing prose and at about the planned length.
            """)
        let written = """
            Here's your next paragraph:
            The original writing request: write an essay. Espresso needs fine, even grounds. Write only this part, at full length please.
            A good grinder matters more than the machine.
            """
        let result = StepCleaner.clean(written, previous: "", instructions: template.literalText)
        #expect(result.text == "Espresso needs fine, even grounds.\nA good grinder matters more than the machine.")
        // Without the instructions nothing but the meta line goes.
        #expect(StepCleaner.clean(written, previous: "").text.contains("Write only this part"))
    }

    @Test func cutsRepetitionLoops() {
        let loop = "The harbour is beautiful at night and the lights shine on the water. " + String(repeating: "We went to the market and bought some fruit and then we went home again. ", count: 5)
        let result = StepCleaner.clean(loop, previous: "")
        #expect(result.looped)
        #expect(result.text.components(separatedBy: "We went to the market").count - 1 <= 2)
        let fine = StepCleaner.clean("One sentence here. Another different sentence there.", previous: "")
        #expect(!fine.looped)
    }
}

