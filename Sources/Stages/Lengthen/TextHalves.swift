/// A response cut in two for the extender: at the paragraph boundary nearest to half its length
/// (CJK characters plus words), or between sentences when it is one paragraph.
public enum TextHalves {
    public static func split(_ text: String) -> (first: String, second: String) {
        let paragraphs = TextSegments.paragraphs(text)
        if paragraphs.count >= 2 {
            let cut = nearestHalf(paragraphs.map(LengthCounter.count))
            return (paragraphs[..<cut].joined(separator: "\n\n"), paragraphs[cut...].joined(separator: "\n\n"))
        }
        let sentences = TextSegments.sentences(text)
        guard sentences.count >= 2 else { return (text.trimmingCharacters(in: .whitespacesAndNewlines), "") }
        let cut = nearestHalf(sentences.map(LengthCounter.count))
        return (TextSegments.joinSentences(Array(sentences[..<cut])), TextSegments.joinSentences(Array(sentences[cut...])))
    }

    /// The index (1…count-1) before which the running total comes closest to half the total.
    static func nearestHalf(_ sizes: [Int]) -> Int {
        let total = sizes.reduce(0, +)
        var best = 1, bestDistance = Int.max, running = 0
        for i in 1..<sizes.count {
            running += sizes[i - 1]
            let distance = abs(2 * running - total)
            if distance < bestDistance { best = i; bestDistance = distance }
        }
        return best
    }
}
