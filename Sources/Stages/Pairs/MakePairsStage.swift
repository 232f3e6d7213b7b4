import Digest
import Foundation
import Pipeline
import Store

/// Stage `make-pairs`: preference pairs (chosen/rejected) from the training records of an
/// `export` stage, written beside them under `dataset/<stage>/` (so releases carry them and
/// `lwdata export --format dpo | dpo-implicit | ranking` converts them). Three sources:
///
/// - `answer` (LongWriter): for an AgentWrite record (one with a plan and a required length), the
///   stage asks the model `samples` times for a single-pass answer to the plain instruction (the
///   short answer an untuned model gives); every candidate is scored by S_l against the required
///   length (the AgentWrite answer also carries the judge's S_q when a judge ran); chosen = best,
///   rejected = worst.
/// - `instruction` (Suri I-ORPO): (instruction, response) against (backtranslate's rejected
///   instruction, the same response); the margin is the share of constraints the rejected one edits.
/// - `length` (Self-Lengthen): the lengthened answer against its first draft, when the final
///   answer's S_l reaches `min_length_score` and the draft's does not.
///
/// Answer and length pairs are kept only when the S_l margin reaches `min_margin`. No pair is
/// written from bad input: an empty half, identical or near-identical halves, a rejected answer
/// that is the chosen one cut short, a chosen answer that fails dedup-filter's quality rules or
/// is judged below `min_quality` — each is a reject with its reason. A record with no source is
/// passed over.
public struct MakePairsStage: MapStage {
    public static let kind = "make-pairs"
    public static let callsModel = true
    public static let logicVersion = 1
    public static let outputFolder = OutputLayout.datasetFolder
    public let name: String
    public let settings: MakePairsSettings
    let tally = PairTally()

    public init(name: String, settings: MakePairsSettings) {
        self.name = name
        self.settings = settings
    }

    public func summaryLines() -> [String] { tally.lines(stage: name) }

    /// What one source made of a record.
    enum Made {
        case pair(Record, margin: Double)
        case problem(Rejection)
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        guard let messages = record["messages"]?.array, messages.count >= 2,
              let prompt = messages[messages.count - 2]["content"]?.string, let response = messages.last?["content"]?.string,
              case .object(let meta)? = record["meta"] else {
            throw PipelineError.stage(name: name, message: "record \(record.id) is not a training record ({messages, meta}); make-pairs goes after the export stage")
        }
        let input = Input(id: record.id, prompt: prompt, response: response, meta: meta)
        var pairs: [Record] = []
        var problems: [Rejection] = []
        for source in settings.sources {
            let made: Made?
            switch source {
            case .answer: made = try await answerPair(input, context: context)
            case .instruction: made = instructionPair(input)
            case .length: made = lengthPair(input)
            }
            switch made {
            case .pair(let pair, let margin)?:
                pairs.append(pair)
                tally.add(pair: source, margin: margin)
            case .problem(let rejection)?:
                problems.append(rejection)
                tally.add(reject: rejection.reason)
            case nil: continue
            }
        }
        if !pairs.isEmpty { return .records(pairs) }
        if let first = problems.first { return .rejected(id: record.id, first) }
        tally.addWithoutSource()
        return .records([])
    }

    /// The fields of a training record the sources read.
    struct Input {
        var id: String
        var prompt: String
        var response: String
        var meta: [String: JSONValue]
        var required: Int? { meta["required_words"]?.int.flatMap { $0 > 0 ? $0 : nil } }
        var qualityScore: Double? { meta["quality"]?["s_q"]?.double }
    }

    /// LongWriter answer pair, nil when the record is not an AgentWrite answer with a required length.
    func answerPair(_ input: Input, context: StageContext) async throws -> Made? {
        guard input.meta["plan"] != nil, let required = input.required else { return nil }
        var candidates = [PairCandidate(origin: "agentwrite", prompt: input.prompt, response: input.response, required: required,
                                        qualityScore: input.qualityScore)]
        let caller = try ModelCaller(context, stage: name)
        let messages = try settings.directPrompt.render(["query": input.prompt])
        let promptTokens = caller.model.countTokens(messages.map(\.content).joined(separator: "\n")) + 16 * messages.count
        let budget = min(settings.directMaxTokens, caller.model.contextTokens - promptTokens)
        guard budget >= 16 else {
            return .problem(rejection(.answer, input, reason: "context_full", detail: "the instruction leaves no room for a direct answer"))
        }
        for sample in 0..<settings.samples {
            let parameters = settings.sampling.parameters(maxTokens: budget, seed: ModelStageSupport.seed(name, input.id, "direct", String(sample)))
            let output = try await caller.generate(messages, parameters)
            candidates.append(PairCandidate(origin: "direct-\(sample)", prompt: input.prompt,
                                            response: StepCleaner.clean(output.text, previous: "").text, required: required))
        }
        // Best first; on equal scores the AgentWrite answer (filtered by the pipeline) stays first.
        let ranked = candidates.enumerated().sorted { a, b in
            let sa = a.element.lengthScore ?? 0, sb = b.element.lengthScore ?? 0
            return sa != sb ? sa > sb : a.offset < b.offset
        }.map(\.element)
        return scoredPair(.answer, input, chosen: ranked.first!, rejected: ranked.last!, required: required, model: caller.model.identity)
    }

    /// Self-Lengthen length pair, nil when the record has no first draft.
    func lengthPair(_ input: Input) -> Made? {
        guard let draft = input.meta["lengthen"]?["first_response"]?.string else { return nil }
        guard let required = input.required else {
            return .problem(rejection(.length, input, reason: "no_length_requirement",
                                      detail: "the record has no required length (run constrain-length on lengthened records)"))
        }
        let final = PairCandidate(origin: "lengthened", prompt: input.prompt, response: input.response, required: required,
                                  qualityScore: input.qualityScore)
        let first = PairCandidate(origin: "first_draft", prompt: input.prompt, response: draft, required: required)
        let finalScore = final.lengthScore ?? 0, draftScore = first.lengthScore ?? 0
        if finalScore < settings.minLengthScore {
            return .problem(rejection(.length, input, reason: "final_misses_length", chosen: final, rejected: first,
                                      detail: String(format: "the lengthened answer's S_l %.1f is below %.1f", finalScore, settings.minLengthScore)))
        }
        if draftScore >= settings.minLengthScore {
            return .problem(rejection(.length, input, reason: "draft_meets_length", chosen: final, rejected: first,
                                      detail: String(format: "the first draft's S_l %.1f already reaches %.1f", draftScore, settings.minLengthScore)))
        }
        return scoredPair(.length, input, chosen: final, rejected: first, required: required, model: nil)
    }

    /// Suri instruction pair, nil when the record has no rejected instruction.
    func instructionPair(_ input: Input) -> Made? {
        guard let rejectedPrompt = input.meta["rejected"]?["query"]?.string else { return nil }
        let chosen = PairCandidate(origin: "instruction", prompt: input.prompt, response: input.response, required: input.required,
                                   qualityScore: input.qualityScore)
        let rejected = PairCandidate(origin: "rejected_instruction", prompt: rejectedPrompt, response: input.response, required: input.required)
        if let (problem, detail) = PairChecks.problem(chosenPrompt: input.prompt, rejectedPrompt: rejectedPrompt, response: input.response) {
            return .problem(rejection(.instruction, input, reason: problem.rawValue, chosen: chosen, rejected: rejected, detail: detail))
        }
        if let failure = filterFailure(chosen) {
            return .problem(rejection(.instruction, input, reason: "chosen_fails_filters", chosen: chosen, rejected: rejected, detail: failure))
        }
        // The margin: the share of constraints the rejected instruction changed.
        let originals = (input.meta["constraints"]?.array ?? []).compactMap { $0["text"]?.string }
        let edits = (input.meta["rejected"]?["constraints"]?.array ?? []).compactMap { $0["text"]?.string }
        let changed = zip(originals, edits).filter { $0 != $1 }.count
        let margin = originals.isEmpty ? 100 : Self.rounded(100 * Double(changed) / Double(originals.count))
        return .pair(pairRecord(.instruction, input, chosen: chosen, rejected: rejected, margin: margin, model: nil), margin: margin)
    }

    /// An answer or length pair after the margin, identity and filter checks.
    func scoredPair(_ source: PairSource, _ input: Input, chosen: PairCandidate, rejected: PairCandidate, required: Int, model: String?) -> Made {
        let margin = Self.rounded((chosen.lengthScore ?? 0) - (rejected.lengthScore ?? 0))
        if margin == 0 {
            return .problem(rejection(source, input, reason: "tie", chosen: chosen, rejected: rejected,
                                      detail: String(format: "best and worst candidates both score S_l %.1f", chosen.lengthScore ?? 0)))
        }
        if margin < settings.minMargin {
            return .problem(rejection(source, input, reason: "small_margin", chosen: chosen, rejected: rejected,
                                      detail: String(format: "S_l margin %.1f, below %.1f", margin, settings.minMargin)))
        }
        if let (problem, detail) = PairChecks.problem(chosen: chosen.response, rejected: rejected.response, nearIdentical: settings.nearIdentical) {
            return .problem(rejection(source, input, reason: problem.rawValue, chosen: chosen, rejected: rejected, detail: detail))
        }
        if let failure = filterFailure(chosen, required: required) {
            return .problem(rejection(source, input, reason: "chosen_fails_filters", chosen: chosen, rejected: rejected, detail: failure))
        }
        if settings.minQuality > 0, let quality = chosen.qualityScore, quality < settings.minQuality {
            return .problem(rejection(source, input, reason: "chosen_low_quality", chosen: chosen, rejected: rejected,
                                      detail: String(format: "the chosen answer's S_q %.1f is below %.1f", quality, settings.minQuality)))
        }
        return .pair(pairRecord(source, input, chosen: chosen, rejected: rejected, margin: margin, model: model), margin: margin)
    }

    /// Why the chosen half fails dedup-filter's quality rules, nil when it passes.
    func filterFailure(_ chosen: PairCandidate, required: Int? = nil) -> String? {
        let report = QualityChecker(settings: settings.filter).check(instruction: chosen.prompt, response: chosen.response, requiredWords: required)
        return report.failure.map { "the chosen response fails rule \($0.rule): \($0.detail)" }
    }

    /// The pair record: both halves as prompt and response, and the side field `pair` with the
    /// source, margin and each half's scores.
    func pairRecord(_ source: PairSource, _ input: Input, chosen: PairCandidate, rejected: PairCandidate, margin: Double, model: String?) -> Record {
        Record(id: ContentHash.of("pair", source.rawValue, input.id), fields: [
            "kind": "pair",
            "chosen": ["prompt": .string(chosen.prompt), "response": .string(chosen.response)],
            "rejected": ["prompt": .string(rejected.prompt), "response": .string(rejected.response)],
            "pair": .object(side(source, input, chosen: chosen, rejected: rejected, margin: margin, model: model)),
        ])
    }

    func side(_ source: PairSource, _ input: Input, chosen: PairCandidate, rejected: PairCandidate, margin: Double?, model: String?) -> [String: JSONValue] {
        ["source": .string(source.rawValue), "record_id": .string(input.id), "recipe": input.meta["recipe"] ?? .null,
         "language": input.meta["language"] ?? .null, "required_words": input.required.map(JSONValue.int) ?? .null,
         "margin": margin.map(JSONValue.double) ?? .null, "chosen": chosen.summary, "rejected": rejected.summary,
         "model": model.map(JSONValue.string) ?? .null]
    }

    func rejection(_ source: PairSource, _ input: Input, reason: String, chosen: PairCandidate? = nil, rejected: PairCandidate? = nil,
                   detail: String) -> Rejection {
        var extra: [String: JSONValue] = ["source": .string(source.rawValue), "query": .string(input.prompt)]
        if let chosen, let rejected {
            extra["pair"] = .object(side(source, input, chosen: chosen, rejected: rejected,
                                         margin: source == .instruction ? nil : Self.rounded((chosen.lengthScore ?? 0) - (rejected.lengthScore ?? 0)),
                                         model: nil))
            extra["rejected_response"] = .string(rejected.response)
        }
        return Rejection(reason: reason, detail: detail, extra: extra)
    }

    static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}

/// Parameters of the `make-pairs` stage.
public struct MakePairsSettings: StageSettings {
    public static let keys = ["sources", "direct_prompt", "samples", "direct_max_tokens", "min_margin", "min_length_score",
                              "min_words", "min_quality", "near_identical"] + SamplingSettings.keys
    /// The sources tried on every record, in order.
    let sources: [PairSource]
    /// The single-pass answer's prompt (slot `{{query}}`: the plain instruction).
    let directPrompt: PromptTemplate
    /// Direct answers sampled per AgentWrite record (each with its own seed).
    let samples: Int
    let directMaxTokens: Int
    /// Least S_l difference between chosen and rejected (answer and length pairs).
    let minMargin: Double
    /// S_l a lengthened answer must reach and its draft must miss; also the chosen answer's floor.
    let minLengthScore: Double
    /// Chosen answers judged below this S_q are not paired (0: no floor).
    let minQuality: Double
    /// Word n-gram overlap (Jaccard) from which two answers count as near-identical.
    let nearIdentical: Double
    /// dedup-filter's quality rules with their defaults, `min_words` and `min_length_score` from these params.
    let filter: QualitySettings
    let sampling: SamplingSettings

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        var sources: [PairSource] = []
        for (i, value) in (try p.array("sources") ?? PairSource.allCases.map { .string($0.rawValue) }).enumerated() {
            guard let source = value.string.flatMap(PairSource.init(rawValue:)) else {
                throw p.document.error(p.sub("sources") + "[\(i)]",
                                       "unknown pair source \(value.jsonString) (sources: \(PairSource.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !sources.contains(source) { sources.append(source) }
        }
        self.sources = sources
        directPrompt = try ModelStageSupport.prompt(p, key: "direct_prompt", default: "prompts/pairs_direct.txt", pipelineDirectory: pipeline.directory)
        samples = try p.int("samples", range: 1...16) ?? 1
        directMaxTokens = try p.int("direct_max_tokens", range: 16...65536) ?? 1024
        minMargin = try p.double("min_margin", range: 0...100) ?? 10
        minLengthScore = try p.double("min_length_score", range: 0...100) ?? 80
        minQuality = try p.double("min_quality", range: 0...100) ?? 0
        nearIdentical = try p.double("near_identical", range: 0.01...1) ?? 0.9
        var filter = QualitySettings()
        filter.minWords = try p.int("min_words", range: 0...100_000_000) ?? filter.minWords
        filter.minLengthScore = minLengthScore
        self.filter = filter
        sampling = try SamplingSettings(p, temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1)
    }
}
