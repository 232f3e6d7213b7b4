import Foundation
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

@Suite struct ConstraintParserTests {
    @Test func readsTheSchemaAnswer() throws {
        let answer = #"{"instruction": "Write a short story about a lighthouse keeper during a storm.", "constraints": [{"kind": "content", "text": "Open with the keeper noticing the barometer falling."}, {"kind": "style", "text": "Tell the story in the first person and the past tense."}]}"#
        let parsed = try #require(ConstraintParser.parse(answer))
        #expect(parsed.instruction == "Write a short story about a lighthouse keeper during a storm.")
        #expect(parsed.constraints == [Constraint(kind: .content, text: "Open with the keeper noticing the barometer falling."),
                                       Constraint(kind: .style, text: "Tell the story in the first person and the past tense.")])
    }

    @Test func toleratesOtherShapes() throws {
        let strings = try #require(ConstraintParser.parse(#"Sure! {"task": "Write an essay on tides.", "constraints": ["Use a formal tone throughout.", "Mention the Bay of Fundy.", "Mention the Bay of Fundy."]}"#))
        #expect(strings.instruction == "Write an essay on tides.")
        #expect(strings.constraints.map(\.kind) == [.style, .content], "kinds guessed, duplicate dropped")

        let cut = try #require(ConstraintParser.parse(#"{"instruction": "Write a guide to sourdough.", "constraints": [{"kind": "style", "text": "Address the reader as you."}, {"kind": "content", "text": "Explain how to feed the sta"#))
        #expect(cut.constraints == [Constraint(kind: .style, text: "Address the reader as you.")], "the cut-off constraint is left out")

        let lines = try #require(ConstraintParser.parse("Instruction: Write a travel diary of a week in Lisbon.\nConstraints:\n1. [style] Use short, dated entries.\n2. Content: Describe a tram ride to Belém.\n- Mention the weather every day."))
        #expect(lines.instruction == "Write a travel diary of a week in Lisbon.")
        #expect(lines.constraints.map(\.text) == ["Use short, dated entries.", "Describe a tram ride to Belém.", "Mention the weather every day."])
        #expect(lines.constraints.map(\.kind) == [.style, .content, .content])

        #expect(ConstraintParser.parse("") == nil)
        #expect(ConstraintParser.parse(#"{"constraints": []}"#) == nil)
    }

    @Test func readsListsOfEditedConstraints() {
        #expect(ConstraintParser.parseList(#"{"constraints": ["Use an informal tone.", "Omit the Bay of Fundy."]}"#) == ["Use an informal tone.", "Omit the Bay of Fundy."])
        #expect(ConstraintParser.parseList(#"["A one.", "B two."] trailing words"#) == ["A one.", "B two."])
        #expect(ConstraintParser.parseList(#"{"constraints": ["Use an informal tone.", "Omit the B"#) == ["Use an informal tone."])
        #expect(ConstraintParser.parseList("1. Use an informal tone.\n2. Omit the bay.") == ["Use an informal tone.", "Omit the bay."])
    }
}

@Suite struct ConstraintEditorTests {
    @Test func judgesMinimalEdits() {
        #expect(ConstraintEditor.isMinimalEdit("Tell the story in the first person.", "Tell the story in the third person."))
        #expect(ConstraintEditor.isMinimalEdit("Mention the Bay of Fundy.", "Do not mention the Bay of Fundy."))
        #expect(!ConstraintEditor.isMinimalEdit("Mention the Bay of Fundy.", "mention the bay of fundy"), "same words: no edit")
        #expect(!ConstraintEditor.isMinimalEdit("Mention the Bay of Fundy.", "Write a poem about spring flowers in a garden."))
        #expect(ConstraintEditor.isMinimalEdit("使用第一人称叙述。", "使用第三人称叙述。"))
        #expect(!ConstraintEditor.isMinimalEdit("Describe the smell of bread.", ", describe the smell of bread, ,"), "not a sentence")
    }

    @Test func ruleEditsReverseTheConstraint() {
        #expect(ConstraintEditor.ruleEdit("Use a formal tone throughout.") == "Avoid a formal tone throughout.")
        #expect(ConstraintEditor.ruleEdit("Write in an informal register.") == "Write in an formal register.")
        #expect(ConstraintEditor.ruleEdit("Tell it in the first person.") == "Tell it in the third person.")
        #expect(ConstraintEditor.ruleEdit("The essay should mention Lisbon.") == "The essay should not mention Lisbon.")
        #expect(ConstraintEditor.ruleEdit("Do not name the narrator.") == "Name the narrator.")
        #expect(ConstraintEditor.ruleEdit("Mention Lisbon twice.") == "Do not mention Lisbon twice.")
        #expect(ConstraintEditor.ruleEdit("She doesn't eat breakfast.") == "She does eat breakfast.")
        #expect(ConstraintEditor.ruleEdit("Say you can't imagine it.") == "Say you can imagine it.")
        #expect(ConstraintEditor.ruleEdit("The hero won’t give up.") == "The hero will give up.")
        #expect(ConstraintEditor.ruleEdit("The narrator is not named.") == "The narrator is named.")
        #expect(ConstraintEditor.ruleEdit("The text has three sections.") == "The text has not three sections.")
        #expect(ConstraintEditor.ruleEdit("提到长江。") == "不要提到长江。")
        for constraint in ["Use a formal tone throughout.", "Tell it in the first person.", "The essay should mention Lisbon.", "Mention Lisbon twice."] {
            #expect(ConstraintEditor.isMinimalEdit(constraint, ConstraintEditor.ruleEdit(constraint)), "\(constraint)")
        }
    }
}

@Suite struct NGramTests {
    @Test func findsSharedAndRepeatedNGrams() {
        let source = TextUnits("The old bridge over the river was rebuilt in stone after the flood of 1850.")
        #expect(NGrams.shares(TextUnits("Say that the bridge over the river was rebuilt in stone after a flood."), with: source, n: 8))
        #expect(!NGrams.shares(TextUnits("Describe how the town rebuilt its bridge after a great flood."), with: source, n: 8))
        #expect(NGrams.firstRepeat(in: TextUnits("a b c d a b c d"), n: 4) == 4)
        #expect(NGrams.firstRepeat(in: TextUnits("a b c d a b c e"), n: 4) == nil)
    }
}

@Suite struct LongTextReaderTests {
    func extract(_ line: String) throws -> (String, String?) { try LongTextReader.extract(Array(line.utf8)) }

    @Test func readsTextsRecordsAndExportedConversations() throws {
        #expect(try extract(#"{"id": "e1", "text": "A long essay."}"#) == ("A long essay.", "e1"))
        // A `write` or `lengthen` shard record: the response is the text.
        #expect(try extract(#"{"id": "abc", "kind": "written", "query": "Write a guide.", "response": "The guide."}"#) == ("The guide.", "abc"))
        // An exported record: the last assistant turn.
        #expect(try extract(#"{"id": "x", "messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "The answer."}]}"#) == ("The answer.", "x"))
    }

    @Test func namesWhatIsWrongWithALine() {
        func reason(_ line: String) -> String? {
            do { _ = try extract(line); return nil } catch let failure as LongTextReader.Failure { return failure.reason } catch { return "\(error)" }
        }
        #expect(reason("{not json") == "invalid_json")
        #expect(reason("[1, 2]") == "not_an_object")
        #expect(reason(#"{"text": 3}"#) == "wrong_type")
        #expect(reason(#"{"title": "no text"}"#) == "missing_text")
    }
}

@Suite struct BacktranslateCheckTests {
    func stage(min: Int = 2, max: Int = 4, kinds: String = "both") throws -> BacktranslateStage {
        let config = try PipelineConfig(document: ConfigDocument(file: Repository.path("pipelines/test.yaml"), text: """
            name: t
            inputs: [x.txt]
            stages:
              - name: read-texts
              - name: backtranslate
                params: {min_constraints: \(min), max_constraints: \(max), constraints: \(kinds)}
            """))
        return try BacktranslateStage(name: "backtranslate", settings: BacktranslateSettings(config.stages[1].params, pipeline: config))
    }

    let document = TextUnits("The ferry left the island at ten past eleven every night, whatever the weather, and Ruth cast off the stern line.")

    /// The worked example's own answer, read from the shipped prompt.
    func exampleAnswer(_ stage: BacktranslateStage) throws -> InferredInstruction {
        let answer = try #require(stage.settings.prompt.messages.first { $0.role == "assistant" })
        return try #require(ConstraintParser.parse(answer.content))
    }

    func example(_ stage: BacktranslateStage) throws -> TextUnits {
        TextUnits(try stage.settings.prompt.render(["text": "", "min_constraints": "2", "max_constraints": "4", "kinds": "style, content"]).map(\.content).joined(separator: "\n"))
    }

    @Test func dropsConstraintsThatQuoteCopyRepeatOrWereCutOff() throws {
        let stage = try stage()
        let constraints = [
            Constraint(kind: .content, text: "Set the story on a night ferry crossing in bad weather."),
            Constraint(kind: .content, text: "Say the ferry left the island at ten past eleven every night."),
            Constraint(kind: .style, text: try exampleAnswer(stage).constraints[2].text),
            Constraint(kind: .content, text: "Set the story on a night ferry crossing in calm weather."),
            Constraint(kind: .style, text: String(repeating: "long ", count: 30).trimmingCharacters(in: .whitespaces)),
            Constraint(kind: .style, text: "Tell it from the deckhand's point of view."),
        ]
        let checked = stage.check(InferredInstruction(instruction: "Write a story about a ferry crew member and a young passenger.", constraints: constraints),
                                  document: document, example: try example(stage))
        #expect(checked.problem == nil)
        #expect(checked.inferred?.constraints.map(\.text) == [constraints[0].text, constraints[5].text])
        #expect(checked.dropped.map { $0["reason"]?.string } == ["quotes_text", "copies_prompt", "repeats_constraint", "cut_off"])
    }

    @Test func refusesUnusableMainInstructions() throws {
        let stage = try stage()
        let two = [Constraint(kind: .content, text: "Include a storm at sea."), Constraint(kind: .style, text: "Keep the dialogue short and plain.")]
        func problem(_ instruction: String, _ constraints: [Constraint]? = nil) throws -> String? {
            stage.check(InferredInstruction(instruction: instruction, constraints: constraints ?? two), document: document, example: try example(stage)).problem
        }
        #expect(try problem("Write a ferry story.") == nil)
        #expect(try problem("A story.") == "the main instruction is too short")
        #expect(try problem("Write how the ferry left the island at ten past eleven every night.") == "the main instruction quotes the text")
        #expect(try problem(try exampleAnswer(stage).instruction) == "the main instruction copies the prompt's example")
        #expect(try problem("Write a ferry story.", Array(two.prefix(1))) == "1 usable constraints, at least 2 needed")
        let styleOnly = try self.stage(kinds: "style")
        #expect(styleOnly.check(InferredInstruction(instruction: "Write a ferry story.", constraints: two), document: document, example: try example(styleOnly))
            .dropped.map { $0["reason"]?.string } == ["kind_not_allowed"])
    }
}
