/// Paragraphs and sentences of a whitespace-normalised text (`TextNormalizer.normalize`).
public enum TextSegments {
    /// Characters that end a sentence.
    static let terminators: Set<Character> = [".", "!", "?", "…", "。", "！", "？", "．"]
    /// Characters that may follow a terminator and still belong to the sentence.
    static let closers: Set<Character> = ["\"", "'", "”", "’", ")", "]", "»", "」", "』", "）", "】", "*"]

    /// The paragraphs: text between blank lines, trimmed, never empty.
    public static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// The sentences of a paragraph, in order, each with its terminator and closing marks; the
    /// last one may be unfinished. A Latin terminator ends a sentence only before whitespace or
    /// the end (so `3.5` and `e.g.x` stay whole); a CJK terminator always does.
    public static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            guard terminators.contains(c) else { i = text.index(after: i); continue }
            var end = text.index(after: i)
            while end < text.endIndex, terminators.contains(text[end]) || closers.contains(text[end]) { end = text.index(after: end) }
            let isCJK = "。！？．".contains(c)
            if isCJK || end == text.endIndex || text[end].isWhitespace {
                let sentence = text[start..<end].trimmingCharacters(in: .whitespacesAndNewlines)
                if !sentence.isEmpty { result.append(sentence) }
                start = end
            }
            i = end
        }
        let rest = text[start...].trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { result.append(rest) }
        return result
    }

    /// Joins pieces of one paragraph: with a space between Latin sentences, with nothing between CJK ones.
    public static func joinSentences(_ sentences: [String]) -> String {
        var out = ""
        for sentence in sentences {
            if let last = out.last, let first = sentence.first, !(isCJK(last) && isCJK(first)) { out += " " }
            out += sentence
        }
        return out
    }

    static func isCJK(_ c: Character) -> Bool {
        c.unicodeScalars.first.map { Script.of($0).isCJK || (0x3000...0x303F).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) } ?? false
    }
}
