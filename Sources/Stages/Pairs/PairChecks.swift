import Pipeline

/// Why two halves cannot make a preference pair: each is a reject reason of `make-pairs`.
enum PairProblem: String, Sendable {
    /// A prompt or a response is empty.
    case emptyHalf = "empty_half"
    /// Chosen and rejected are the same text (after normalisation).
    case identical
    /// The rejected response is the chosen one cut short.
    case truncatedChosen = "rejected_is_truncated_chosen"
    /// The two responses share nearly all their word n-grams.
    case nearIdentical = "near_identical"
}

/// The checks every pair passes before it is written: no empty half, no identical or
/// near-identical halves, no rejected response that is the chosen one truncated.
enum PairChecks {
    /// Words per n-gram of the near-identity measure (characters for CJK text).
    static let ngramWords = 5
    static let ngramCJKCharacters = 8

    /// The first problem of a pair of responses to one prompt, nil when it may be a pair.
    /// `nearIdentical` is the Jaccard overlap of word n-grams at or above which the two count as one text.
    static func problem(chosen: String, rejected: String, nearIdentical: Double) -> (PairProblem, String)? {
        let a = TextNormalizer.normalize(chosen), b = TextNormalizer.normalize(rejected)
        if a.isEmpty || b.isEmpty { return (.emptyHalf, a.isEmpty ? "the chosen response is empty" : "the rejected response is empty") }
        if a == b { return (.identical, "chosen and rejected responses are the same text") }
        if a.hasPrefix(b.trimmingTrailingPunctuation) {
            return (.truncatedChosen, "the rejected response (\(LengthCounter.count(b)) words) is the first part of the chosen one (\(LengthCounter.count(a)) words)")
        }
        let overlap = jaccard(a, b)
        if overlap >= nearIdentical {
            return (.nearIdentical, String(format: "the responses share %.0f%% of their word n-grams (limit %.0f%%)", overlap * 100, nearIdentical * 100))
        }
        return nil
    }

    /// The first problem of an instruction pair (two prompts, one response), nil when it may be a pair.
    static func problem(chosenPrompt: String, rejectedPrompt: String, response: String) -> (PairProblem, String)? {
        let a = TextNormalizer.normalize(chosenPrompt), b = TextNormalizer.normalize(rejectedPrompt)
        if a.isEmpty || b.isEmpty || TextNormalizer.normalize(response).isEmpty {
            return (.emptyHalf, response.isEmpty ? "the response is empty" : "an instruction is empty")
        }
        if a == b { return (.identical, "the rejected instruction is the chosen one") }
        return nil
    }

    /// Jaccard overlap of the two texts' word n-grams (1 when both are shorter than one n-gram and equal).
    static func jaccard(_ a: String, _ b: String) -> Double {
        let ua = TextUnits(a), ub = TextUnits(b)
        let n = NGrams.size(for: ua, words: ngramWords, cjkCharacters: ngramCJKCharacters)
        let sa = Set(NGrams.hashes(ua, n: n)), sb = Set(NGrams.hashes(ub, n: n))
        if sa.isEmpty && sb.isEmpty { return 0 }
        return Double(sa.intersection(sb).count) / Double(sa.union(sb).count)
    }
}

extension String {
    /// The text without the punctuation and spaces it ends with (a truncated copy keeps no full stop).
    var trimmingTrailingPunctuation: String {
        var s = Substring(self)
        while let last = s.last, last.isPunctuation || last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
