import Foundation
import Logging
import Testing
import TestSupport
@testable import Pipeline
@testable import Stages

/// make-pairs without a model: instruction and length pairs from hand-made training records, and
/// every kind of bad input rejected with its reason (the answer source, which calls the model, is
/// covered end to end in `PairsEndToEndTests`).
@Suite struct MakePairsLogicTests {
    func stage(_ params: String = "{sources: [instruction, length], min_words: 40, min_margin: 10}") throws -> MakePairsStage {
        let config = try PipelineConfig(document: ConfigDocument(file: Repository.path("pipelines/test.yaml"), text: """
            name: t
            inputs: [x.txt]
            stages:
              - name: mine
              - name: export
              - name: make-pairs
                params: \(params)
            """))
        return try MakePairsStage(name: "make-pairs", settings: MakePairsSettings(config.stages[2].params, pipeline: config))
    }

    func context() throws -> StageContext {
        let config = try PipelineConfig(document: ConfigDocument(file: "pipelines/test.yaml", text: "name: t\ninputs: [x.txt]\nstages:\n  - name: mine\n"))
        return StageContext(runID: "r", pipeline: config, logger: Logger(label: "test"), cancellation: Cancellation())
    }

    /// A hand-written answer of about 120 words in four paragraphs; the first `n` of them for shorter drafts.
    static let paragraphs = [
        "The harbour wakes before the town does. Gulls settle on the sea wall while the first boats slip their moorings and head for the grey line where the water meets the sky.",
        "Along the quay, the fish market opens its shutters. Porters wheel crates of ice across wet cobbles, and the smell of diesel mixes with salt and fresh bread from the bakery.",
        "Up the hill, the church bell counts six. Curtains part in the cottages, a dog barks at a passing cart, and smoke begins to rise from a dozen chimneys at once.",
        "By the time the sun clears the headland, the harbour is loud with voices. The night belongs to memory now, and the working day has properly begun.",
    ]
    static func answer(_ n: Int = 4) -> String { paragraphs.prefix(n).joined(separator: "\n\n") }

    func record(_ meta: [String: JSONValue], prompt: String = "Describe a harbour town waking up.", response: String = answer()) -> Record {
        Record(id: String(repeating: "a", count: 32), fields: [
            "messages": [["role": "user", "content": .string(prompt)], ["role": "assistant", "content": .string(response)]],
            "meta": .object(meta),
        ])
    }

    func backtranslated(rejected: String, response: String = answer()) -> Record {
        record(["recipe": "backtranslate", "constraints": [["kind": "style", "text": "Use the present tense."], ["kind": "content", "text": "Mention the church bell."]],
                "rejected": ["query": .string(rejected),
                             "constraints": [["kind": "style", "text": "Use the past tense."], ["kind": "content", "text": "Mention the church bell."]]]],
               prompt: "Describe a harbour town waking up. Use the present tense. Mention the church bell.", response: response)
    }

    func lengthened(draft: String, required: Int? = LengthCounter.count(answer()), response: String = answer()) -> Record {
        var meta: [String: JSONValue] = ["recipe": "self-lengthen", "lengthen": ["first_response": .string(draft)]]
        if let required { meta["required_words"] = .int(required) }
        return record(meta, response: response)
    }

    func outcome(_ record: Record, _ stage: MakePairsStage? = nil) async throws -> StageOutcome {
        try await (stage ?? self.stage()).process(record, context: try context())
    }

    func reason(_ record: Record) async throws -> String? {
        if case .rejected(_, let rejection) = try await outcome(record) { return rejection.reason }
        return nil
    }

    func pairs(_ record: Record) async throws -> [Record] {
        if case .records(let records) = try await outcome(record) { return records }
        return []
    }

    @Test func instructionPairKeepsTheResponseAndTheRejectedInstruction() async throws {
        let rejectedPrompt = "Describe a harbour town waking up. Use the past tense. Mention the church bell."
        let made = try await pairs(backtranslated(rejected: rejectedPrompt))
        let pair = try #require(made.first)
        #expect(made.count == 1 && pair["kind"] == "pair")
        #expect(pair["chosen"]?["response"] == pair["rejected"]?["response"])
        #expect(pair["rejected"]?["prompt"]?.string == rejectedPrompt)
        #expect(pair["chosen"]?["prompt"]?.string?.contains("present tense") == true)
        #expect(pair["pair"]?["source"] == "instruction")
        #expect(pair["pair"]?["margin"]?.double == 50, "one of two constraints edited")
        #expect(pair["pair"]?["record_id"]?.string == String(repeating: "a", count: 32))
    }

    @Test func lengthPairTakesTheFinalAnswerOverAShortDraft() async throws {
        // The draft (one paragraph, ~30 words) misses the required length by far; the final answer meets it.
        let made = try await pairs(lengthened(draft: Self.paragraphs[1]))
        let pair = try #require(made.first)
        #expect(pair["pair"]?["source"] == "length")
        #expect(pair["chosen"]?["response"]?.string == Self.answer())
        #expect(pair["rejected"]?["response"]?.string == Self.paragraphs[1])
        let chosen = try #require(pair["pair"]?["chosen"]?["length_score"]?.double)
        let rejected = try #require(pair["pair"]?["rejected"]?["length_score"]?.double)
        #expect(chosen >= 80 && rejected < 80)
        #expect(pair["pair"]?["margin"]?.double == MakePairsStage.rounded(chosen - rejected))
    }

    @Test func badInputNeverBecomesAPair() async throws {
        let same = "Describe a harbour town waking up. Use the present tense. Mention the church bell."
        #expect(try await reason(backtranslated(rejected: same)) == "identical")
        #expect(try await reason(backtranslated(rejected: "")) == "empty_half")
        #expect(try await reason(backtranslated(rejected: "Use the past tense.", response: Self.paragraphs[0])) == "chosen_fails_filters",
                "a 30-word response fails min_words 40")
        // The draft is the final answer cut short: no preference in it.
        #expect(try await reason(lengthened(draft: Self.answer(1) + "\n\nAlong the quay, the fish")) == "rejected_is_truncated_chosen")
        // A draft that already meets the length, a final answer that misses it, no requirement at all.
        #expect(try await reason(lengthened(draft: Self.answer(3) + " " + Self.paragraphs[3])) == "draft_meets_length")
        #expect(try await reason(lengthened(draft: Self.paragraphs[0], required: 400)) == "final_misses_length")
        #expect(try await reason(lengthened(draft: Self.paragraphs[0], required: nil)) == "no_length_requirement")
        // A final answer that stops mid-sentence fails the filters even with a short draft.
        #expect(try await reason(lengthened(draft: Self.paragraphs[1], response: Self.answer() + " And then the")) == "chosen_fails_filters")
        // A margin below min_margin.
        let strict = try stage("{sources: [length], min_words: 40, min_margin: 90, min_length_score: 60}")
        if case .rejected(_, let rejection) = try await outcome(lengthened(draft: Self.answer(2)), strict) {
            #expect(rejection.reason == "small_margin", "\(rejection)")
            #expect(rejection.extra["rejected_response"]?.string == Self.answer(2))
        } else {
            Issue.record("a margin of about 48 points passed min_margin 90")
        }
        // A record with no source passes without a pair.
        if case .records(let none) = try await outcome(record(["recipe": "longwriter"])) { #expect(none.isEmpty) } else { Issue.record("rejected") }
    }

    @Test func pairChecksCatchIdenticalTruncatedAndNearIdenticalAnswers() {
        let text = Self.answer()
        #expect(PairChecks.problem(chosen: text, rejected: text, nearIdentical: 0.9)?.0 == .identical)
        #expect(PairChecks.problem(chosen: text, rejected: "  \n", nearIdentical: 0.9)?.0 == .emptyHalf)
        #expect(PairChecks.problem(chosen: text, rejected: Self.answer(2) + ".", nearIdentical: 0.9)?.0 == .truncatedChosen)
        // One word changed in 120: the same answer.
        let edited = text.replacingOccurrences(of: "six", with: "seven")
        #expect(PairChecks.problem(chosen: text, rejected: edited, nearIdentical: 0.9)?.0 == .nearIdentical)
        #expect(PairChecks.problem(chosen: text, rejected: Self.answer(2) + "\n\nThe rest of the day is quiet. Nobody remembers the boats.", nearIdentical: 0.9) == nil,
                "half the answer and a different ending: related, not the same")
        #expect(PairChecks.problem(chosen: text, rejected: "A short unrelated reply about trains.", nearIdentical: 0.9) == nil)
    }

    @Test func settingsRefuseAnUnknownSource() throws {
        #expect(throws: PipelineError.self) { try self.stage("{sources: [answer, vibes]}") }
    }
}
