import Digest
import Foundation
import Pipeline

/// Stage `constrain-length`: gives queries an explicit length requirement (about N / between A
/// and B / more than N / less than N, worded in the query's language by `LengthWording`) and
/// scores responses against its band (`LengthRequirement`).
///
/// - `mode: derive` (after a response exists): the requirement is made from the response's own
///   length, so the pair complies; a query that already states a length keeps it and is scored.
/// - `mode: inject` (before a response is written): the requirement is centred on one of
///   `targets` (words; characters for CJK queries).
/// - `mode: score`: scores the response against the requirement injected earlier or stated in
///   the query; records without one pass unchanged.
///
/// A scored record below `min_score` is rejected as `length_noncompliant`. The record keeps
/// `original_query`, `length_constraint` (form, numbers, band, sentence, score) and
/// `length.required_words` (the band's middle), so later stages compute S_l against it.
public struct ConstrainLengthStage: MapStage {
    public static let kind = "constrain-length"
    public static let selectable = true
    public static let logicVersion = 1
    public let name: String
    public let settings: ConstrainLengthSettings

    public init(name: String, settings: ConstrainLengthSettings) {
        self.name = name
        self.settings = settings
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let query = try ModelStageSupport.string(record, "query", stage: name)
        let language = record["language"]?.string ?? LanguageDetector.detect(query)
        let seed = ModelStageSupport.seed(name, record.id)
        let stated = Self.stated(in: record, query: query)
        switch settings.mode {
        case "inject":
            if stated != nil { return .records([record]) }
            return .records([constrained(record, query: query, requirement: settings.maker.around(target: settings.targets[Int(seed % UInt64(settings.targets.count))], seed: seed),
                                         language: language, mode: "inject", response: nil)])
        case "score":
            guard let stated else { return .records([record]) }
            return try scored(record, query: query, requirement: stated.requirement, language: language, mode: stated.mode, rewrite: false)
        default:
            if let stated { return try scored(record, query: query, requirement: stated.requirement, language: language, mode: stated.mode, rewrite: false) }
            let response = try ModelStageSupport.string(record, "response", stage: name)
            let produced = LengthCounter.count(response)
            guard produced > 0 else {
                return .rejected(id: record.id, Rejection(reason: "empty_response", detail: "no length to derive a requirement from",
                                                          extra: ["query": .string(query)]))
            }
            return try scored(record, query: query, requirement: settings.maker.fitting(length: produced, seed: seed), language: language, mode: "derive", rewrite: true)
        }
    }

    /// The requirement a record already carries: injected earlier, or stated in the query itself.
    static func stated(in record: Record, query: String) -> (requirement: LengthRequirement, mode: String)? {
        if let c = record["length_constraint"], let form = c["form"]?.string.flatMap(LengthRequirement.Form.init(rawValue:)), let value = c["value"]?.int {
            return (LengthRequirement(form: form, value: value, upper: c["upper"]?.int), c["mode"]?.string ?? "inject")
        }
        if let parsed = LengthWording.parse(query) { return (parsed, "existing") }
        if let explicit = ExplicitLength.find(in: query) { return (LengthRequirement(form: .about, value: explicit), "existing") }
        return nil
    }

    private func scored(_ record: Record, query: String, requirement: LengthRequirement, language: String, mode: String, rewrite: Bool) throws -> StageOutcome {
        let response = try ModelStageSupport.string(record, "response", stage: name)
        let out = constrained(record, query: rewrite ? query : nil, requirement: requirement, language: language, mode: mode, response: response)
        let score = out["length_constraint"]?["score"]?.double ?? 0
        guard score >= settings.minScore else {
            return .rejected(id: record.id, Rejection(reason: "length_noncompliant",
                                                      detail: String(format: "compliance %.2f with %@, below %.2f", score, requirement.form.rawValue, settings.minScore),
                                                      extra: ["query": .string(query), "length_constraint": out["length_constraint"] ?? .null,
                                                              "value": .double(score), "threshold": .double(settings.minScore)]))
        }
        return .records([out])
    }

    /// The record with the requirement: the query rewritten (when `query` is given), `length_constraint`, `length`.
    private func constrained(_ record: Record, query: String?, requirement: LengthRequirement, language: String, mode: String, response: String?) -> Record {
        var out = record
        let sentence = LengthWording.sentence(requirement, language: language)
        var constraint: [String: JSONValue] = [
            "form": .string(requirement.form.rawValue), "value": .int(requirement.value),
            "band": [.double(requirement.band.lowerBound), .double(requirement.band.upperBound)],
            "target": .int(requirement.target), "unit": .string(LengthWording.countsCharacters(language) ? "characters" : "words"),
            "language": .string(language), "mode": .string(mode),
        ]
        if let upper = requirement.upper { constraint["upper"] = .int(upper) }
        if let query {
            out["original_query"] = .string(query)
            out["query"] = .string(Self.append(sentence, to: query, cjk: LengthWording.countsCharacters(language)))
            constraint["sentence"] = .string(sentence)
        } else if let previous = record["length_constraint"]?["sentence"] {
            constraint["sentence"] = previous
        }
        if let response {
            let produced = LengthCounter.count(response)
            constraint["produced"] = .int(produced)
            constraint["score"] = .double((requirement.score(produced) * 1000).rounded() / 1000)
        }
        out["length_constraint"] = .object(constraint)
        out["length"] = ["required_words": .int(requirement.target), "source": "constraint"]
        return out
    }

    /// The query with the requirement sentence after it.
    static func append(_ sentence: String, to query: String, cjk: Bool) -> String {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains("\n") { return trimmed + "\n\n" + sentence }
        let ended = SentenceEnd.isComplete(trimmed)
        return trimmed + (ended ? "" : (cjk ? "。" : ".")) + (cjk ? "" : " ") + sentence
    }
}

/// Parameters of the `constrain-length` stage.
public struct ConstrainLengthSettings: StageSettings {
    public static let keys = ["mode", "forms", "targets", "min_score"]
    /// `derive`, `inject` or `score`.
    let mode: String
    let maker: RequirementMaker
    /// Lengths (words; characters for CJK queries) `inject` centres requirements on.
    let targets: [Int]
    let minScore: Double

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        mode = try p.string("mode") ?? "derive"
        guard ["derive", "inject", "score"].contains(mode) else { throw p.document.error(p.sub("mode"), "expected derive, inject or score, found '\(mode)'") }
        var forms: [LengthRequirement.Form] = []
        for (i, value) in (try p.array("forms") ?? []).enumerated() {
            guard let form = value.string.flatMap(LengthRequirement.Form.init(rawValue:)) else {
                throw p.document.error(p.sub("forms") + "[\(i)]", "expected about, between, more_than or less_than, found \(value.jsonString)")
            }
            forms.append(form)
        }
        maker = RequirementMaker(forms: forms)
        var targets: [Int] = []
        for (i, value) in (try p.array("targets") ?? [500, 1000, 2000]).enumerated() {
            guard let n = value.int, n > 0 else { throw p.document.error(p.sub("targets") + "[\(i)]", "expected a positive number of words, found \(value.jsonString)") }
            targets.append(n)
        }
        self.targets = targets
        minScore = try p.double("min_score", range: 0...1) ?? 0
    }
}
