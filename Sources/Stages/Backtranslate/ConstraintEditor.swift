import Foundation

/// Rejected constraints for preference data (Suri's I-ORPO): each constraint minimally edited so
/// that the text, which follows the original, violates the edit. A model's edit is kept when it
/// is minimal (it changes the constraint but keeps most of its words); otherwise a rule edits it:
/// swap a word for its opposite, or negate the constraint.
public enum ConstraintEditor {
    /// Whether `edited` is a minimal edit of `original`: not the same text, and at least
    /// `minShared` of the original's words (CJK characters) kept in order.
    public static func isMinimalEdit(_ original: String, _ edited: String, minShared: Double = 0.6) -> Bool {
        let a = tokens(original), b = tokens(edited)
        guard !a.isEmpty, !b.isEmpty, a != b, edited.first.map({ $0.isLetter || $0.isNumber }) == true else { return false }
        let shared = commonSubsequence(a, b)
        let changed = max(a.count, b.count) - shared
        return Double(shared) >= minShared * Double(a.count) && changed <= max(4, a.count / 2)
    }

    /// Opposites swapped by the rule edit (both directions), longest first so phrases win over words.
    static let opposites: [(String, String)] = {
        let pairs = [
            ("first-person", "third-person"), ("first person", "third person"), ("past tense", "present tense"),
            ("informal", "formal"), ("optimistic", "pessimistic"), ("humorous", "serious"), ("positive", "negative"),
            ("detailed", "brief"), ("concrete", "abstract"), ("simple", "complex"), ("short", "long"), ("include", "omit"),
            ("includes", "omits"), ("use", "avoid"), ("uses", "avoids"), ("always", "never"), ("more", "fewer"),
            ("begin", "end"), ("begins", "ends"), ("before", "after"), ("warm", "cold"),
            ("objective", "subjective"), ("calm", "urgent"), ("hopeful", "bleak"), ("chronological", "non-chronological"),
            ("第一人称", "第三人称"), ("正式", "随意"), ("积极", "消极"), ("简洁", "冗长"), ("包含", "省略"), ("使用", "避免"),
            ("开头", "结尾"), ("过去", "现在"), ("乐观", "悲观"),
        ]
        return (pairs + pairs.map { ($0.1, $0.0) }).sorted { $0.0.count > $1.0.count }
    }()

    /// The rule edit of a constraint: the first word with a known opposite swapped; else the
    /// constraint negated (`Do not X` → `X`, `doesn't` → `does`, `is not` → `is`, an auxiliary such as `should` or `has` gains `not`, else `X` → `Do not x`; `不要`).
    public static func ruleEdit(_ constraint: String) -> String {
        let cjk = ["zh", "ja", "ko"].contains(LanguageDetector.detect(constraint))
        // The earliest word with an opposite (the longer phrase where two start at the same place).
        var swap: (range: Range<String.Index>, opposite: String)?
        for (word, opposite) in opposites {
            let pattern = cjk ? NSRegularExpression.escapedPattern(for: word) : #"\b"# + NSRegularExpression.escapedPattern(for: word) + #"\b"#
            guard let r = constraint.range(of: pattern, options: [.regularExpression, .caseInsensitive]) else { continue }
            if swap == nil || r.lowerBound < swap!.range.lowerBound { swap = (r, opposite) }
        }
        if let (r, opposite) = swap {
            let replacement = constraint[r].first?.isUppercase == true ? opposite.prefix(1).uppercased() + opposite.dropFirst() : opposite
            return constraint.replacingCharacters(in: r, with: replacement)
        }
        if cjk {
            if constraint.hasPrefix("不要") { return String(constraint.dropFirst(2)) }
            return "不要" + constraint
        }
        if let r = constraint.range(of: #"^(do not|don't|never)\s+"#, options: [.regularExpression, .caseInsensitive]) {
            let rest = constraint[r.upperBound...]
            return rest.prefix(1).uppercased() + rest.dropFirst()
        }
        if let r = constraint.range(of: #"\b(can|won|shan|do|does|did|is|are|was|were|has|have|had|should|must|could|would)n?['’]t\b"#,
                                    options: [.regularExpression, .caseInsensitive]) {
            let positive = ["can't": "can", "won't": "will", "shan't": "shall"][constraint[r].lowercased().replacingOccurrences(of: "’", with: "'")]
            return constraint.replacingCharacters(in: r, with: positive ?? String(constraint[r].dropLast(3)))
        }
        if let r = constraint.range(of: #"\s+not\b"#, options: [.regularExpression, .caseInsensitive]) {
            return constraint.replacingCharacters(in: r, with: "")
        }
        if let r = constraint.range(of: #"\b(should|must|will|would|can|could|may|might|is|are|was|were|has|have|had|does|do)\b(?!['’])"#,
                                    options: [.regularExpression, .caseInsensitive]) {
            return constraint.replacingCharacters(in: r, with: constraint[r] + " not")
        }
        return "Do not " + constraint.prefix(1).lowercased() + constraint.dropFirst()
    }

    /// Words (lower-cased letters and digits) or, for CJK text, characters.
    static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var word = ""
        for ch in text.lowercased() {
            if let scalar = ch.unicodeScalars.first, Script.of(scalar).isCJK {
                if !word.isEmpty { result.append(word); word = "" }
                result.append(String(ch))
            } else if ch.isLetter || ch.isNumber || ch == "'" || ch == "-" {
                word.append(ch)
            } else if !word.isEmpty {
                result.append(word); word = ""
            }
        }
        if !word.isEmpty { result.append(word) }
        return result
    }

    /// Length of the longest common subsequence.
    static func commonSubsequence(_ a: [String], _ b: [String]) -> Int {
        var previous = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var current = [Int](repeating: 0, count: b.count + 1)
            for (j, y) in b.enumerated() { current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j]) }
            previous = current
        }
        return previous[b.count]
    }
}
