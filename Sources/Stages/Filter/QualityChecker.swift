import Foundation
import Pipeline

/// What the quality rules found for one record.
public struct QualityReport: Sendable {
    /// The first rule the record failed, nil when it passed them all.
    public var failure: RuleVerdict?
    /// Rules that ran, in order (the failed one last).
    public var checked: [String]
    /// Length of the response (CJK characters plus words).
    public var producedWords: Int
    /// S_l of the response against the required length, when the record has one.
    public var lengthScore: Double?
    /// Rank score of the record among near-duplicates (higher is kept first): S_l (100 without a
    /// required length) times the share of the response not repeating an earlier n-gram.
    public var score: Float
}

/// Runs the record-level quality rules in order and stops at the first failure (as a chain of
/// datatrove filters does), so each rule's counts say what it alone removed.
public struct QualityChecker: Sendable {
    public let settings: QualitySettings

    public init(settings: QualitySettings) { self.settings = settings }

    public func check(instruction: String, response rawResponse: String, requiredWords: Int?) -> QualityReport {
        let response = TextNormalizer.normalize(rawResponse)
        let produced = LengthCounter.count(response)
        let lengthScore = requiredWords.flatMap { $0 > 0 ? LengthScore.score(required: $0, produced: produced) : nil }
        var report = QualityReport(failure: nil, checked: [], producedWords: produced, lengthScore: lengthScore, score: 0)
        var repetition: RepetitionStatistics?
        func stats() -> RepetitionStatistics {
            if let repetition { return repetition }
            let computed = RepetitionStatistics(text: response, units: TextUnits(response),
                                                topSizes: Array(settings.maxTopNGramFraction.keys),
                                                duplicateSizes: Array(settings.maxDuplicateNGramFraction.keys))
            repetition = computed
            return computed
        }
        for (name, rule) in rules(instruction: instruction, response: response, produced: produced,
                                  required: requiredWords, lengthScore: lengthScore, stats: stats)
        where !settings.disabled.contains(name) {
            switch rule() {
            case .skipped: continue
            case .passed: report.checked.append(name)
            case .failed(let verdict):
                report.checked.append(name)
                report.failure = verdict
                return report
            }
        }
        let repeated = settings.maxDuplicateNGramFraction.keys.min().map { stats().duplicateNGramFraction[$0] ?? 0 } ?? 0
        report.score = Float((lengthScore ?? 100) * (1 - repeated))
        return report
    }

    private func rules(instruction: String, response: String, produced: Int, required: Int?, lengthScore: Double?,
                       stats: @escaping () -> RepetitionStatistics) -> [(String, () -> RuleResult)] {
        let s = settings
        var list: [(String, () -> RuleResult)] = [
            ("too_few_words", { .check(produced < s.minWords, RuleVerdict(
                rule: "too_few_words", value: .int(produced), threshold: .int(s.minWords),
                detail: "the response has \(produced) words, fewer than \(s.minWords)")) }),
            ("too_many_words", { .check(produced > s.maxWords, RuleVerdict(
                rule: "too_many_words", value: .int(produced), threshold: .int(s.maxWords),
                detail: "the response has \(produced) words, more than \(s.maxWords)")) }),
            ("low_length_score", {
                guard let lengthScore, let required else { return .skipped }
                return .check(lengthScore < s.minLengthScore, RuleVerdict(
                    rule: "low_length_score", value: .double(Self.rounded(lengthScore)), threshold: .double(s.minLengthScore),
                    detail: "length score S_l \(Self.format(lengthScore)) below \(Self.format(s.minLengthScore)) "
                        + "(\(produced) words written, \(required) required)"))
            }),
            ("truncated", { .check(!SentenceEnd.isComplete(response), RuleVerdict(
                rule: "truncated", value: .string(SentenceEnd.tail(response)), threshold: "ends with . ! ? … 。！？",
                detail: "the response stops mid-sentence: …\(SentenceEnd.tail(response))")) }),
            ("language_mismatch", {
                guard instruction.unicodeScalars.contains(where: { Script.of($0) != .nonLetter }) else { return .skipped }
                let asked = LanguageDetector.detect(instruction), written = LanguageDetector.detect(response)
                return .check(asked != written, RuleVerdict(
                    rule: "language_mismatch", value: .string("\(asked)→\(written)"), threshold: "same language",
                    detail: "the instruction is \(asked) but the response is \(written)"))
            }),
        ]
        list.append(Self.artefactRule("plan_artefact", .plan, in: response, limit: s.maxPlanLines))
        list.append(("meta_talk", {
            // Plan leakage is plan_artefact's to count.
            let talk = TaskTalkDetector().hits(in: response).filter { $0.kind != .planLeak }
            let kinds = Dictionary(grouping: talk, by: \.kind).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
            return .check(talk.count > s.maxMetaLines, RuleVerdict(
                rule: "meta_talk", value: .int(talk.count), threshold: .int(s.maxMetaLines),
                detail: "\(talk.count) sentence(s) of talk about the task (\(kinds.joined(separator: ", "))), at most \(s.maxMetaLines), "
                    + "first: \(talk.first.map { String($0.sentence.prefix(120)) } ?? "")"))
        }))
        list.append(Self.artefactRule("error_text", .error, in: response, limit: s.maxErrorLines))
        list.append(("coherence_contradiction", {
            let flags = CoherenceChecker().check(response)
            guard flags.count > s.maxCoherenceFlags, let first = flags.first else { return .passed }
            var verdict = RuleVerdict(rule: "coherence_contradiction", value: .int(flags.count), threshold: .int(s.maxCoherenceFlags),
                                      detail: "\(flags.count) contradiction(s); first (\(first.kind.rawValue), \(first.entity)): "
                                          + first.evidence.map { "«\($0.prefix(160))»" }.joined(separator: " … "))
            verdict.evidence = .array(flags.map { ContentChecks.json($0) })
            return .failed(verdict)
        }))
        let fractions: [(String, String, Double, (RepetitionStatistics) -> Double)] = [
            ("duplicate_lines", "of its lines repeat an earlier line", s.maxDuplicateLineFraction, { $0.duplicateLineFraction }),
            ("duplicate_line_chars", "of its characters are in repeated lines", s.maxDuplicateLineCharFraction,
             { $0.duplicateLineCharFraction }),
            ("duplicate_paragraphs", "of its paragraphs repeat an earlier paragraph", s.maxDuplicateParagraphFraction,
             { $0.duplicateParagraphFraction }),
            ("duplicate_paragraph_chars", "of its characters are in repeated paragraphs", s.maxDuplicateParagraphCharFraction,
             { $0.duplicateParagraphCharFraction }),
        ] + s.maxTopNGramFraction.keys.sorted().map { n in
            ("top_\(n)gram", "of its characters are its most frequent \(n)-gram", s.maxTopNGramFraction[n]!,
             { $0.topNGramFraction[n] ?? 0 })
        } + s.maxDuplicateNGramFraction.keys.sorted().map { n in
            ("duplicate_\(n)gram", "of its characters are in \(n)-grams that occurred earlier", s.maxDuplicateNGramFraction[n]!,
             { $0.duplicateNGramFraction[n] ?? 0 })
        }
        for (name, what, limit, measure) in fractions {
            list.append((name, {
                let value = measure(stats())
                return .check(value > limit, RuleVerdict(
                    rule: name, value: .double(Self.rounded(value)), threshold: .double(limit),
                    detail: "\(Self.percent(value)) \(what) (at most \(Self.percent(limit)))"))
            }))
        }
        return list
    }

    /// A rule that fails when more than `limit` lines hold `kind` artefacts.
    private static func artefactRule(_ name: String, _ kind: ArtefactPatterns.Kind, in response: String,
                                     limit: Int) -> (String, () -> RuleResult) {
        (name, {
            let found = ArtefactPatterns.lines(of: kind, in: response)
            return .check(found.count > limit, RuleVerdict(
                rule: name, value: .int(found.count), threshold: .int(limit),
                detail: "\(found.count) line(s) of \(kind.rawValue) artefacts (at most \(limit)), first: \(found.first ?? "")"))
        })
    }

    static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
    static func format(_ x: Double) -> String { String(format: "%.1f", x) }
    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}

/// How one rule judged a record.
enum RuleResult {
    /// The rule does not apply (e.g. no required length to score against).
    case skipped
    case passed
    case failed(RuleVerdict)

    static func check(_ fails: Bool, _ verdict: @autoclosure () -> RuleVerdict) -> RuleResult {
        fails ? .failed(verdict()) : .passed
    }
}
