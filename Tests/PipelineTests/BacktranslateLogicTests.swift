import Testing
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
    }

    @Test func ruleEditsReverseTheConstraint() {
        #expect(ConstraintEditor.ruleEdit("Use a formal tone throughout.") == "Avoid a formal tone throughout.")
        #expect(ConstraintEditor.ruleEdit("Write in an informal register.") == "Write in an formal register.")
        #expect(ConstraintEditor.ruleEdit("Tell it in the first person.") == "Tell it in the third person.")
        #expect(ConstraintEditor.ruleEdit("The essay should mention Lisbon.") == "The essay should not mention Lisbon.")
        #expect(ConstraintEditor.ruleEdit("Do not name the narrator.") == "Name the narrator.")
        #expect(ConstraintEditor.ruleEdit("Mention Lisbon twice.") == "Do not mention Lisbon twice.")
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
