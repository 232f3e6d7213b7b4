import Foundation

/// Text that does not belong in a finished long answer, in two kinds, each counted per line:
/// - `plan`: the writing plan leaking into the text (`Paragraph 3 - Main Point: … - Word Count: 500 words`,
///   a line starting with "Paragraph N", "Main Point:", "Word Count:", and their Chinese forms);
/// - `error`: failure text and leaked control tokens (`<|im_end|>`, a Python traceback,
///   "Error:" lines, "Internal Server Error", "failed to generate").
public enum ArtefactPatterns {
    public enum Kind: String, Sendable, CaseIterable {
        case plan, error
    }

    static let patterns: [Kind: [String]] = [
        .plan: [
            #"^[\s#>*_-]*paragraph\s*\d+\b"#,
            #"\bmain\s*points?\s*\**\s*[:：]"#,
            #"\bword\s*count\s*\**\s*[:：]"#,
            #"^[\s#>*_-]*(第\s*[0-9一二三四五六七八九十百]+\s*段|段落\s*[0-9一二三四五六七八九十百]+)"#,
            #"(主要内容|字数)\s*[:：]"#,
        ],
        .error: [
            #"<\|(im_start|im_end|endoftext|eot_id|end_of_text)\|>"#,
            #"traceback \(most recent call last\)"#,
            #"^\s*(error|exception|fatal)\s*:"#,
            #"\b(internal server error|rate limit exceeded|failed to generate|request timed out|context length exceeded)\b"#,
            #"\[(error|truncated|generation failed)\]"#,
        ],
    ]

    private static let compiled: [Kind: NSRegularExpression] = patterns.mapValues {
        try! NSRegularExpression(pattern: $0.joined(separator: "|"), options: [.caseInsensitive, .anchorsMatchLines])
    }

    /// Lines of `text` holding an artefact of `kind`, with the first such line (shortened) for messages.
    public static func lines(of kind: Kind, in text: String) -> (count: Int, first: String?) {
        let regex = compiled[kind]!
        let ns = text as NSString
        var count = 0
        var first: String?
        var lastLine = -1
        regex.enumerateMatches(in: text, range: NSRange(location: 0, length: ns.length)) { match, _, _ in
            guard let match else { return }
            let line = ns.lineRange(for: NSRange(location: match.range.location, length: 0))
            guard line.location != lastLine else { return }
            lastLine = line.location
            count += 1
            if first == nil {
                first = String(ns.substring(with: line).trimmingCharacters(in: .whitespacesAndNewlines).prefix(120))
            }
        }
        return (count, first)
    }

    /// Whether `text` holds an artefact of `kind` anywhere.
    public static func contains(_ kind: Kind, in text: String) -> Bool {
        compiled[kind]!.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
