import Foundation

/// Whether a text ends the way a finished answer does: with sentence-ending punctuation
/// (`.` `!` `?` `…` `。` `！` `？`), possibly followed by closing quotes, brackets or emphasis
/// marks, or with the end of a code block. A text that stops mid-sentence was cut off.
public enum SentenceEnd {
    static let terminators: Set<Character> = [".", "!", "?", "…", "。", "！", "？", "．"]
    static let closers: Set<Character> = ["\"", "'", "”", "’", ")", "]", "}", "»", "」", "』", "）", "】", "*", "_", "~"]

    public static func isComplete(_ text: String) -> Bool {
        var end = text.endIndex
        while end > text.startIndex {
            let previous = text.index(before: end)
            let c = text[previous]
            if c.isWhitespace || closers.contains(c) { end = previous; continue }
            if terminators.contains(c) { return true }
            return text[..<end].hasSuffix("```")
        }
        return false
    }

    /// The last characters of a text, for messages.
    public static func tail(_ text: String, length: Int = 40) -> String {
        String(text.trimmingCharacters(in: .whitespacesAndNewlines).suffix(length))
    }
}
