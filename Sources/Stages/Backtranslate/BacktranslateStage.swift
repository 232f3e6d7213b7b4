import Digest
import Foundation
import Generation
import Pipeline
import Messages

/// Stage `backtranslate` (Suri): infers the instruction a writer could have followed to produce
/// each document — a main instruction and an ordered list of constraints (style, content or
/// both; specific, never quoting the text) — decoded under a JSON Schema so that even a small
/// model's answer parses. Optionally a rejected instruction for preference training: the same
/// instruction with every constraint minimally edited so that the document violates it.
///
/// The record becomes an instruction → original text pair: `query` (instruction and constraints
/// as `prompts/backtranslate_format.txt` writes them) and `response` (the document), with
/// `constraints`, `rejected`, and the document's `source` and `span`. A document longer than the
/// prompt budget is shown as its beginning and end.
public struct BacktranslateStage: MapStage {
    public static let kind = "backtranslate"
    public static let callsModel = true
    public static let selectable = true
    public static let logicVersion = 1
    public let name: String
    public let settings: BacktranslateSettings

    /// Words (CJK: characters) in a row that a constraint may share with the document before it
    /// counts as quoting it.
    static let quoteWords = 8
    static let quoteCJKCharacters = 12
    /// Words in a row that two constraints, or a constraint and the prompt's worked example, may
    /// share before the later one counts as a repeat (a copy of the example).
    static let repeatWords = 6
    /// Longest instruction and constraint the schema allows: one that long was cut off mid-way.
    static let instructionMaxLength = 200
    static let constraintMaxLength = 120

    public init(name: String, settings: BacktranslateSettings) {
        self.name = name
        self.settings = settings
    }

    /// The JSON Schema of the inferred instruction.
    var schema: String {
        let kindList = settings.kinds.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
        return #"{"type":"object","properties":{"instruction":{"type":"string","minLength":20,"maxLength":\#(Self.instructionMaxLength)},"constraints":{"type":"array","minItems":\#(settings.minConstraints),"maxItems":\#(settings.maxConstraints),"items":{"type":"object","properties":{"kind":{"enum":[\#(kindList)]},"text":{"type":"string","minLength":15,"maxLength":\#(Self.constraintMaxLength)}},"required":["kind","text"]}}},"required":["instruction","constraints"]}"#
    }

    /// The JSON Schema of the rejected constraints: exactly `count` strings.
    static func rejectedSchema(count: Int) -> String {
        #"{"type":"object","properties":{"constraints":{"type":"array","minItems":\#(count),"maxItems":\#(count),"items":{"type":"string","minLength":10,"maxLength":180}}},"required":["constraints"]}"#
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let document = try ModelStageSupport.string(record, "text", stage: name)
        let caller = try ModelCaller(context, stage: name)
        let model = caller.model
        var usage = CallUsage()
        let slots = ["min_constraints": String(settings.minConstraints), "max_constraints": String(settings.maxConstraints),
                     "kinds": settings.kinds.map(\.rawValue).joined(separator: ", ")]
        let skeleton = try settings.prompt.render(slots.merging(["text": ""]) { a, _ in a })
        let fixed = model.countTokens(skeleton.map(\.content).joined(separator: "\n")) + 16 * skeleton.count
        let budget = min(settings.contextTokens ?? model.contextTokens, model.contextTokens) - fixed - settings.maxTokens - 16
        guard budget >= 128 else {
            return .rejected(id: record.id, Rejection(reason: "context_overflow",
                                                      detail: "the prompt leaves \(budget) tokens for the document",
                                                      extra: ["source": record["source"] ?? .null]))
        }
        let excerpt = DocumentExcerpt(document, budgetTokens: budget, countTokens: model.countTokens)
        let documentUnits = TextUnits(document)
        let exampleUnits = TextUnits(skeleton.map(\.content).joined(separator: "\n"))
        var attempts: [JSONValue] = []
        var accepted: (InferredInstruction, [JSONValue])?
        for attempt in 0...settings.retries {
            let output = try await generate(caller, settings.prompt, slots.merging(["text": excerpt.text]) { a, _ in a },
                                            responseFormat: .jsonSchema(name: "inferred_instruction", schema: schema),
                                            maxTokens: settings.maxTokens, seed: ModelStageSupport.seed(name, record.id, String(attempt)), usage: &usage)
            let checked = check(ConstraintParser.parse(output.text), document: documentUnits, example: exampleUnits)
            attempts.append(["raw": .string(output.text), "problem": checked.problem.map(JSONValue.string) ?? .null,
                             "finish_reason": .string(output.finishReason.rawValue)])
            if checked.problem == nil, let inferred = checked.inferred { accepted = (inferred, checked.dropped); break }
        }
        guard let (inferred, dropped) = accepted else {
            return .rejected(id: record.id, Rejection(reason: "unusable_instruction",
                                                      detail: "no usable instruction after \(settings.retries + 1) attempts",
                                                      extra: ["source": record["source"] ?? .null, "attempts": .array(attempts)]))
        }
        var out = record
        out["text"] = nil
        out["kind"] = "backtranslated"
        out["recipe"] = "backtranslate"
        out["query"] = .string(try render(inferred.instruction, inferred.constraints.map(\.text)))
        out["response"] = .string(document)
        out["instruction"] = .string(inferred.instruction)
        out["constraints"] = .array(inferred.constraints.map { ["kind": .string($0.kind.rawValue), "text": .string($0.text)] })
        if settings.makeRejected {
            out["rejected"] = try await rejected(inferred, caller: caller, record: record, usage: &usage)
        }
        out["generation"] = [
            "attempts": .int(attempts.count), "shown_words": .int(excerpt.shownWords), "excerpt": .bool(excerpt.isCut),
            "dropped_constraints": .array(dropped), "prompt_tokens": .int(usage.promptTokens),
            "completion_tokens": .int(usage.completionTokens), "seconds": .double((usage.seconds * 10).rounded() / 10),
            "model": .string(model.identity),
            "prompt_hashes": ["backtranslate": .string(settings.prompt.hash), "reject": settings.makeRejected ? .string(settings.rejectPrompt.hash) : .null,
                              "format": .string(settings.format.hash)],
        ]
        return .records([out])
    }

    /// The inferred instruction with unusable constraints dropped, or the problem that makes it
    /// unusable. `example` is the prompt without the document: copying its worked example is
    /// not describing the text.
    func check(_ parsed: InferredInstruction?, document: TextUnits, example: TextUnits) -> (inferred: InferredInstruction?, dropped: [JSONValue], problem: String?) {
        guard var inferred = parsed else { return (nil, [], "the answer does not parse") }
        let n = NGrams.size(for: document, words: Self.quoteWords, cjkCharacters: Self.quoteCJKCharacters)
        let instruction = TextUnits(inferred.instruction)
        if LengthCounter.count(inferred.instruction) < 4 { return (nil, [], "the main instruction is too short") }
        if inferred.instruction.count >= Self.instructionMaxLength - 2 { return (nil, [], "the main instruction was cut off") }
        if NGrams.shares(instruction, with: document, n: n) { return (nil, [], "the main instruction quotes the text") }
        if NGrams.shares(instruction, with: example, n: Self.repeatWords) { return (nil, [], "the main instruction copies the prompt's example") }
        var dropped: [JSONValue] = []
        var kept: [Constraint] = []
        for constraint in inferred.constraints {
            let units = TextUnits(constraint.text)
            let reason: String?
            if !settings.kinds.contains(constraint.kind) { reason = "kind_not_allowed" }
            else if LengthCounter.count(constraint.text) < 3 { reason = "too_short" }
            else if constraint.text.count >= Self.constraintMaxLength - 2 { reason = "cut_off" }
            else if NGrams.shares(units, with: document, n: n) { reason = "quotes_text" }
            else if NGrams.shares(units, with: example, n: Self.repeatWords) { reason = "copies_prompt" }
            else if kept.contains(where: { NGrams.shares(units, with: TextUnits($0.text), n: Self.repeatWords) }) { reason = "repeats_constraint" }
            else { reason = nil }
            if let reason { dropped.append(["text": .string(constraint.text), "reason": .string(reason)]) } else { kept.append(constraint) }
        }
        inferred.constraints = Array(kept.prefix(settings.maxConstraints))
        if inferred.constraints.count < settings.minConstraints {
            return (nil, dropped, "\(inferred.constraints.count) usable constraints, at least \(settings.minConstraints) needed")
        }
        return (inferred, dropped, nil)
    }

    /// The rejected version: each constraint minimally edited by the model, or by the rule edit
    /// where the model's edit is missing, unchanged or not minimal.
    func rejected(_ inferred: InferredInstruction, caller: ModelCaller, record: Record, usage: inout CallUsage) async throws -> JSONValue {
        let originals = inferred.constraints.map(\.text)
        let numbered = originals.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "\n")
        var edits: [String] = []
        for attempt in 0...settings.retries {
            let output = try await generate(caller, settings.rejectPrompt, ["instruction": inferred.instruction, "constraints": numbered],
                                            responseFormat: .jsonSchema(name: "rejected_constraints", schema: Self.rejectedSchema(count: originals.count)),
                                            maxTokens: 60 * originals.count + 40, seed: ModelStageSupport.seed(name, "rejected", record.id, String(attempt)),
                                            usage: &usage)
            edits = ConstraintParser.parseList(output.text)
            if edits.count >= originals.count { break }
        }
        var constraints: [JSONValue] = []
        var texts: [String] = []
        for (i, constraint) in inferred.constraints.enumerated() {
            let modelEdit = i < edits.count && ConstraintEditor.isMinimalEdit(constraint.text, edits[i]) ? edits[i] : nil
            let text = modelEdit ?? ConstraintEditor.ruleEdit(constraint.text)
            texts.append(text)
            constraints.append(["kind": .string(constraint.kind.rawValue), "text": .string(text),
                                "edit": .string(modelEdit == nil ? "rule" : "model")])
        }
        return ["query": .string(try render(inferred.instruction, texts)), "constraints": .array(constraints)]
    }

    /// The instruction as the training record's user turn.
    func render(_ instruction: String, _ constraints: [String]) throws -> String {
        let numbered = constraints.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "\n")
        return try settings.format.render(["instruction": instruction, "constraints": numbered]).last?.content ?? instruction
    }

    private func generate(_ caller: ModelCaller, _ template: PromptTemplate, _ slots: [String: String], responseFormat: OutputFormat,
                          maxTokens: Int, seed: UInt64, usage: inout CallUsage) async throws -> GenerationOutput {
        let messages = try template.render(slots)
        let output = try await caller.generate(messages, settings.sampling.parameters(maxTokens: maxTokens, seed: seed, format: responseFormat))
        usage.add(output)
        return output
    }
}

/// Parameters of the `backtranslate` stage.
public struct BacktranslateSettings: StageSettings {
    public static let keys = ["prompt", "reject_prompt", "format_prompt", "constraints", "min_constraints", "max_constraints",
                              "rejected", "retries", "max_tokens", "context_tokens"] + SamplingSettings.keys
    let prompt: PromptTemplate
    let rejectPrompt: PromptTemplate
    let format: PromptTemplate
    let kinds: [Constraint.Kind]
    let minConstraints: Int
    let maxConstraints: Int
    let makeRejected: Bool
    let retries: Int
    let maxTokens: Int
    let contextTokens: Int?
    let sampling: SamplingSettings

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        prompt = try ModelStageSupport.prompt(p, key: "prompt", default: "prompts/backtranslate.txt", pipelineDirectory: pipeline.directory)
        rejectPrompt = try ModelStageSupport.prompt(p, key: "reject_prompt", default: "prompts/backtranslate_reject.txt", pipelineDirectory: pipeline.directory)
        format = try ModelStageSupport.prompt(p, key: "format_prompt", default: "prompts/backtranslate_format.txt", pipelineDirectory: pipeline.directory)
        switch try p.string("constraints") ?? "both" {
        case "both": kinds = [.style, .content]
        case "style": kinds = [.style]
        case "content": kinds = [.content]
        case let other: throw p.document.error(p.sub("constraints"), "expected both, style or content, found '\(other)'")
        }
        minConstraints = try p.int("min_constraints", range: 1...20) ?? 3
        maxConstraints = try p.int("max_constraints", range: 1...20) ?? 6
        guard maxConstraints >= minConstraints else {
            throw p.document.error(p.sub("max_constraints"), "max_constraints (\(maxConstraints)) is below min_constraints (\(minConstraints))")
        }
        makeRejected = try p.bool("rejected") ?? true
        retries = try p.int("retries", range: 0...10) ?? 2
        maxTokens = try p.int("max_tokens", range: 32...16384) ?? 600
        contextTokens = try p.int("context_tokens", range: 512...1_048_576)
        sampling = try SamplingSettings(p, temperature: 0.3, repetitionPenalty: 1.1)
    }
}
