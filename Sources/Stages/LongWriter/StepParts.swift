import Digest
import Pipeline

/// A plan step written in parts: a step of more words than `partWords` is written in
/// ⌈words / partWords⌉ calls of about equal length, each continuing the text so far. The default
/// 135M model drifts off its topic after about 100 words of a call (measured on the default build:
/// 39% of the lines in a section's first 100 words were off-topic, 64–79% of those after), so
/// shorter calls keep more of the text on its point, and best-of-N then works per part.
struct StepParts {
    let count: Int
    private let wordCount: Int

    init(wordCount: Int, partWords: Int) {
        self.wordCount = wordCount
        count = partWords > 0 && wordCount > partWords ? (wordCount + partWords - 1) / partWords : 1
    }

    /// Words of part `part` (the step's words spread evenly, the first parts taking the remainder).
    func words(of part: Int) -> Int {
        wordCount / count + (part < wordCount % count ? 1 : 0)
    }

    /// What the step line adds for part `part` (nothing for a step written whole).
    func note(_ part: Int) -> String {
        guard count > 1 else { return "" }
        return " (write part \(part + 1) of \(count) of this paragraph, about \(words(of: part)) words"
            + (part == 0 ? ")" : ", continuing it from the text so far)")
    }

    /// ` part j of n` for messages (nothing for a step written whole).
    func label(_ part: Int) -> String { count > 1 ? " part \(part + 1) of \(count)" : "" }

    /// The step's entry of `write_meta.steps`: a step written whole keeps its part's entry; parts
    /// are summed (words, attempts), their relevance averaged with their words as weights, and
    /// each part's entry kept under `parts`.
    static func combined(_ parts: [[String: JSONValue]], plannedWords: Int) -> [String: JSONValue] {
        guard parts.count > 1 else { return parts.first ?? [:] }
        let words = parts.map { $0["words"]?.int ?? 0 }
        var step: [String: JSONValue] = [
            "words": .int(words.reduce(0, +)), "planned_words": .int(plannedWords),
            "attempts": .int(parts.reduce(0) { $0 + ($1["attempts"]?.int ?? 0) }),
            "looped": .bool(parts.contains { $0["looped"]?.bool == true }),
            "parts": .array(parts.map(JSONValue.object)),
        ]
        let scored = zip(parts, words).compactMap { part, words in part["relevance"].map { ($0, Double(max(1, words))) } }
        if scored.count == parts.count {
            let total = scored.reduce(0) { $0 + $1.1 }
            func mean(_ key: String) -> Double { scored.reduce(0) { $0 + ($1.0[key]?.double ?? 0) * $1.1 } / total }
            func sum(_ key: String) -> Int { scored.reduce(0) { $0 + ($1.0[key]?.int ?? 0) } }
            let relevance = SectionRelevance(instruction: mean("instruction"), plan: mean("plan"),
                                             paragraphs: sum("paragraphs"), offTopicParagraphs: sum("off_topic_paragraphs"))
            step["relevance"] = relevance.json
        }
        return step
    }
}

extension ModelStageSupport {
    /// A per-item, per-purpose seed from a list of parts (`seed(_:)` with the parts listed).
    static func seed(_ parts: [String]) -> UInt64 {
        let hex = ContentHash.of(parts)
        return UInt64(hex.prefix(16), radix: 16) ?? 0
    }
}
