import Foundation
import Messages

/// Cleans one written step: drops plan-style headings, the sentences `TaskTalkDetector` flags as
/// talk about the task, and text repeated from earlier; finds repetition loops; trims a cut-off
/// tail to the last full sentence.
public enum StepCleaner {
    public struct Result: Sendable, Equatable {
        public var text: String
        /// The step fell into a repetition loop (the text was cut where it started).
        public var looped: Bool
    }

    private static let headingPatterns = [
        #"^\s*(#+\s*)?(\*\*)?\s*(paragraph|section|part|step)\s*\d+\s*[:：.\-–—]?.*$"#,
        #"^\s*(#+\s*)?(\*\*)?\s*(main point|word count)\s*[:：].*$"#,
        #"^\s*(#+\s*)?(段落|第\s*\d+\s*段).*[:：].*$"#,
    ]
    private static let compiled: [NSRegularExpression] = headingPatterns.map {
        try! NSRegularExpression(pattern: $0, options: [.caseInsensitive, .anchorsMatchLines])
    }
    private static let failureMarkers = ["error:", "exception", "failed to generate", "<|im_end|>", "<|im_start|>", "<|endoftext|>"]

    /// Cleans `text`, written after `previous` (the text so far) for a prompt whose own words
    /// (`PromptTemplate.literalText`) are `instructions`. With `embedder` (the sentence encoder),
    /// the sentences `TaskTalkClassifier` flags go too, beside those the rules flag.
    public static func clean(_ text: String, previous: String, instructions: String = "", embedder: (any TextEmbedder)? = nil) -> Result {
        let echoes = EchoFinder(instructions)
        let learned = classifierFlags(text, embedder: embedder)
        var lines: [String] = []
        for line in text.components(separatedBy: "\n") {
            let range = NSRange(line.startIndex..., in: line)
            if compiled.contains(where: { $0.firstMatch(in: line, range: range) != nil }) { continue }
            if failureMarkers.contains(where: { line.lowercased().contains($0) }) { continue }
            let kept = dropTaskTalk(echoes.dropEchoingSentences(dropPlanSentences(line)), alsoDropping: learned)
            // A line emptied by the cleaning goes too (left in, it would read as a paragraph break).
            if kept.isEmpty, !line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            lines.append(kept)
        }
        var cleaned = TextNormalizer.normalize(lines.joined(separator: "\n"))
        cleaned = dropRepeatedSentences(cleaned, previous: previous)
        let (cut, looped) = cutLoop(cleaned)
        return Result(text: trimToSentence(cut), looped: looped)
    }

    /// Removes the sentences of `line` that echo the plan ("Main Point: …", "Word Count: 400
    /// words", "Paragraph 3 - …"): the same patterns the dedup-filter rejects a record for.
    static func dropPlanSentences(_ line: String) -> String {
        guard ArtefactPatterns.contains(.plan, in: line) else { return line }
        return dropSentences(of: line) { ArtefactPatterns.contains(.plan, in: $0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Removes the sentences of `line` that `TaskTalkDetector` flags (task talk, plan leakage, refusals,
    /// apologies), and those in `flagged` (trimmed sentences the classifier flagged).
    static func dropTaskTalk(_ line: String, alsoDropping flagged: Set<String> = []) -> String {
        let detector = TaskTalkDetector()
        return dropSentences(of: line) {
            let sentence = $0.trimmingCharacters(in: .whitespaces)
            return flagged.contains(sentence) || detector.classify(sentence) != nil
        }
    }

    /// The sentences of `text` (cut as `dropSentences` cuts them, trimmed) that `TaskTalkClassifier`
    /// flags beyond the rules; empty without an embedder the classifier accepts.
    static func classifierFlags(_ text: String, embedder: (any TextEmbedder)?) -> Set<String> {
        guard let embedder else { return [] }
        var sentences: Set<String> = []
        _ = dropSentences(of: text) { piece in
            sentences.insert(piece.trimmingCharacters(in: .whitespaces))
            return false
        }
        return Set(TaskTalkDetector().learnedHits(Array(sentences), embedder: embedder).map(\.hit.sentence))
    }

    /// `text` without the sentences (ended by `.!?。！？` or a line break) that `drop` picks.
    static func dropSentences(of text: String, where drop: (String) -> Bool) -> String {
        var out = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            let end = rest.firstIndex(where: { ".!?。！？\n".contains($0) }).map { rest.index(after: $0) } ?? rest.endIndex
            let sentence = String(rest[..<end])
            if !drop(sentence) { out += sentence }
            rest = rest[end...]
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Removes sentences that already appear in the text so far.
    static func dropRepeatedSentences(_ text: String, previous: String) -> String {
        guard !previous.isEmpty else { return text }
        let seen = Set(sentences(previous).map { $0.lowercased() }.filter { $0.count > 30 })
        return dropSentences(of: text) { seen.contains($0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) }
    }

    static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ".!?。！？\n".contains(ch) {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !s.isEmpty { result.append(s) }
                current = ""
            }
        }
        let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !s.isEmpty { result.append(s) }
        return result
    }

    /// Cuts the text where a 10-word sequence (13 characters for CJK) starts repeating for the third time.
    static func cutLoop(_ text: String) -> (String, Bool) {
        let isCJK = ["zh", "ja", "ko"].contains(LanguageDetector.detect(text))
        let units: [(Substring, String.Index)]
        if isCJK {
            units = text.indices.map { (text[$0...$0], $0) }
        } else {
            var words: [(Substring, String.Index)] = []
            var start: String.Index?
            for i in text.indices {
                if text[i].isWhitespace {
                    if let s = start { words.append((text[s..<i], s)); start = nil }
                } else if start == nil { start = i }
            }
            if let s = start { words.append((text[s...], s)) }
            units = words
        }
        let n = isCJK ? 13 : 10
        guard units.count >= n * 3 else { return (text, false) }
        var counts: [String: Int] = [:]
        for i in 0...(units.count - n) {
            let gram = units[i..<i + n].map { String($0.0).lowercased() }.joined(separator: " ")
            counts[gram, default: 0] += 1
            if counts[gram]! >= 3 {
                return (String(text[..<units[i].1]).trimmingCharacters(in: .whitespacesAndNewlines), true)
            }
        }
        return (text, false)
    }

    /// Drops an unfinished last sentence (when there is a finished one before it), by the same
    /// rule the dedup-filter's truncation check uses (`SentenceEnd`).
    static func trimToSentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !SentenceEnd.isComplete(trimmed),
              let end = trimmed.lastIndex(where: { SentenceEnd.terminators.contains($0) }) else { return trimmed }
        // Keep the closing quotes and brackets right after the full stop.
        var cut = trimmed.index(after: end)
        while cut < trimmed.endIndex, SentenceEnd.closers.contains(trimmed[cut]) { cut = trimmed.index(after: cut) }
        return String(trimmed[..<cut])
    }
}

/// Finds sentences that repeat the prompt's instructions: any run of `length` words (case and
/// punctuation aside) that also occurs in them ("Write only this part, …", "Here is the original
/// writing request").
struct EchoFinder {
    static let length = 4
    private let runs: Set<String>

    init(_ instructions: String) {
        let words = Self.words(instructions)
        runs = words.count < Self.length ? [] : Set((0 ... words.count - Self.length).map { words[$0 ..< $0 + Self.length].joined(separator: " ") })
    }

    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "'" }.map(String.init)
    }

    func echoes(_ sentence: String) -> Bool {
        let words = Self.words(sentence)
        guard !runs.isEmpty, words.count >= Self.length else { return false }
        return (0 ... words.count - Self.length).contains { runs.contains(words[$0 ..< $0 + Self.length].joined(separator: " ")) }
    }

    /// `line` without its sentences that echo the instructions.
    func dropEchoingSentences(_ line: String) -> String {
        runs.isEmpty ? line : StepCleaner.dropSentences(of: line, where: echoes)
    }
}
