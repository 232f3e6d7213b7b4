import Pipeline

/// Thresholds of the record-level quality rules of `dedup-filter` (its `params:`).
/// Any rule can be switched off by naming it in `disable`.
public struct QualitySettings: Sendable, Equatable, Encodable {
    /// Fewest words (CJK characters plus words) a response may have.
    public var minWords = 100
    /// Most words a response may have.
    public var maxWords = 100_000
    /// Lowest LongBench-Write length score S_l (0–100) against the record's required length.
    public var minLengthScore = 60.0
    /// Most lines with a plan artefact, with meta talk, with error text.
    public var maxPlanLines = 0
    public var maxMetaLines = 0
    public var maxErrorLines = 0
    /// Most coherence contradictions (a dead character acting, a destroyed thing speaking) a response may have.
    public var maxCoherenceFlags = 0
    public var maxDuplicateLineFraction = 0.3
    public var maxDuplicateLineCharFraction = 0.2
    public var maxDuplicateParagraphFraction = 0.3
    public var maxDuplicateParagraphCharFraction = 0.2
    /// Gopher's limits on the characters covered by the most frequent n-gram, by n.
    public var maxTopNGramFraction: [Int: Double] = [2: 0.2, 3: 0.18, 4: 0.16]
    /// Gopher's limits on the characters in n-grams seen earlier in the text, by n.
    public var maxDuplicateNGramFraction: [Int: Double] = [5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10]
    /// Rules switched off, by name.
    public var disabled: Set<String> = []

    public static let keys = ["min_words", "max_words", "min_length_score", "max_plan_lines", "max_meta_lines", "max_error_lines", "max_coherence_flags",
                              "max_duplicate_line_fraction", "max_duplicate_line_char_fraction",
                              "max_duplicate_paragraph_fraction", "max_duplicate_paragraph_char_fraction",
                              "max_top_ngram_fraction", "max_duplicate_ngram_fraction", "disable"]

    public init() {}

    /// Reads the quality keys of a stage's params (other keys are checked by the caller).
    public init(_ p: ConfigObject) throws {
        minWords = try p.int("min_words", range: 0...100_000_000) ?? minWords
        maxWords = try p.int("max_words", range: 1...100_000_000) ?? maxWords
        minLengthScore = try p.double("min_length_score", range: 0...100) ?? minLengthScore
        maxPlanLines = try p.int("max_plan_lines", range: 0...1_000_000) ?? maxPlanLines
        maxMetaLines = try p.int("max_meta_lines", range: 0...1_000_000) ?? maxMetaLines
        maxErrorLines = try p.int("max_error_lines", range: 0...1_000_000) ?? maxErrorLines
        maxCoherenceFlags = try p.int("max_coherence_flags", range: 0...1_000_000) ?? maxCoherenceFlags
        maxDuplicateLineFraction = try p.double("max_duplicate_line_fraction", range: 0...1) ?? maxDuplicateLineFraction
        maxDuplicateLineCharFraction = try p.double("max_duplicate_line_char_fraction", range: 0...1) ?? maxDuplicateLineCharFraction
        maxDuplicateParagraphFraction = try p.double("max_duplicate_paragraph_fraction", range: 0...1) ?? maxDuplicateParagraphFraction
        maxDuplicateParagraphCharFraction = try p.double("max_duplicate_paragraph_char_fraction", range: 0...1)
            ?? maxDuplicateParagraphCharFraction
        maxTopNGramFraction = try Self.fractionsByN(p, "max_top_ngram_fraction", sizes: 1...20) ?? maxTopNGramFraction
        maxDuplicateNGramFraction = try Self.fractionsByN(p, "max_duplicate_ngram_fraction", sizes: 1...50) ?? maxDuplicateNGramFraction
        for (i, value) in (try p.array("disable") ?? []).enumerated() {
            guard let name = value.string, ruleNames.contains(name) else {
                throw p.document.error(p.sub("disable") + "[\(i)]",
                                       "unknown rule \(value.jsonString) (rules: \(ruleNames.joined(separator: ", ")))")
            }
            disabled.insert(name)
        }
    }

    /// A mapping from n-gram size to fraction, written `{2gram: 0.2, 3gram: 0.18}`.
    private static func fractionsByN(_ p: ConfigObject, _ key: String, sizes: ClosedRange<Int>) throws -> [Int: Double]? {
        guard let object = try p.child(key, allowed: sizes.map { "\($0)gram" }) else { return nil }
        var result: [Int: Double] = [:]
        for name in object.object.keys {
            result[Int(name.dropLast(4))!] = try object.double(name, range: 0...1)
        }
        return result
    }

    /// Every rule this configuration has, in the order they run.
    public var ruleNames: [String] {
        ["too_few_words", "too_many_words", "low_length_score", "truncated", "language_mismatch",
         "plan_artefact", "meta_talk", "error_text", "coherence_contradiction",
         "duplicate_lines", "duplicate_line_chars", "duplicate_paragraphs", "duplicate_paragraph_chars"]
            + maxTopNGramFraction.keys.sorted().map { "top_\($0)gram" }
            + maxDuplicateNGramFraction.keys.sorted().map { "duplicate_\($0)gram" }
    }

    private enum CodingKeys: String, CodingKey {
        case minWords, maxWords, minLengthScore, maxPlanLines, maxMetaLines, maxErrorLines, maxCoherenceFlags, maxDuplicateLineFraction,
             maxDuplicateLineCharFraction, maxDuplicateParagraphFraction, maxDuplicateParagraphCharFraction,
             maxTopNGramFraction, maxDuplicateNGramFraction, disabled
    }

    /// Written by hand only because a `Set` and an `Int`-keyed dictionary have no canonical order
    /// in JSON: the rule set is sorted and the n-gram limits keyed `"<n>gram"`, so the dedup-filter's
    /// config hash (derived from this encoding) is the same on every run.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minWords, forKey: .minWords)
        try c.encode(maxWords, forKey: .maxWords)
        try c.encode(minLengthScore, forKey: .minLengthScore)
        try c.encode(maxPlanLines, forKey: .maxPlanLines)
        try c.encode(maxMetaLines, forKey: .maxMetaLines)
        try c.encode(maxErrorLines, forKey: .maxErrorLines)
        try c.encode(maxCoherenceFlags, forKey: .maxCoherenceFlags)
        try c.encode(maxDuplicateLineFraction, forKey: .maxDuplicateLineFraction)
        try c.encode(maxDuplicateLineCharFraction, forKey: .maxDuplicateLineCharFraction)
        try c.encode(maxDuplicateParagraphFraction, forKey: .maxDuplicateParagraphFraction)
        try c.encode(maxDuplicateParagraphCharFraction, forKey: .maxDuplicateParagraphCharFraction)
        let byName = { (limits: [Int: Double]) in Dictionary(uniqueKeysWithValues: limits.map { ("\($0.key)gram", $0.value) }) }
        try c.encode(byName(maxTopNGramFraction), forKey: .maxTopNGramFraction)
        try c.encode(byName(maxDuplicateNGramFraction), forKey: .maxDuplicateNGramFraction)
        try c.encode(disabled.sorted(), forKey: .disabled)
    }
}
