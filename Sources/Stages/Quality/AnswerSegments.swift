/// A long answer cut into segments a judge reads one at a time: whole paragraphs (a longer one cut
/// between sentences), about
/// `maxWords` each, each with the plan points it was written for and a short extract of what came
/// before (the first sentence of each earlier paragraph, most recent last), so that a judge with a
/// small context still sees where the segment stands. Quality per segment shows where a long
/// answer starts to fail.
struct AnswerSegment: Sendable, Equatable {
    /// Word offset (CJK characters plus words) of the segment in the answer.
    var startWord: Int
    var words: Int
    var text: String
    /// Main points of the plan steps the segment overlaps (empty without a plan).
    var planPoints: [String]
    /// What came before, in brief ("the beginning of the answer" for the first segment).
    var before: String
}

enum AnswerSegmenter {
    /// Cuts `answer` into segments of whole paragraphs of about `maxWords` words. `steps` are the
    /// plan's main points with the words each step produced, in order (from the write stage).
    static func segments(_ answer: String, maxWords: Int, steps: [(point: String, words: Int)] = [],
                         beforeWords: Int = 120) -> [AnswerSegment] {
        var segments: [AnswerSegment] = []
        var current: [String] = []
        var currentWords = 0, start = 0
        var openers: [String] = []
        var openersBefore: [String] = []
        func flush() {
            guard !current.isEmpty else { return }
            segments.append(AnswerSegment(startWord: start, words: currentWords, text: current.joined(separator: "\n\n"),
                                          planPoints: points(from: start, words: currentWords, steps: steps),
                                          before: openersBefore.isEmpty ? "(this is the beginning of the answer)"
                                              : summary(openersBefore, words: beforeWords)))
            start += currentWords
            current = []
            currentWords = 0
            openersBefore = openers
        }
        for paragraph in pieces(answer, maxWords: maxWords) {
            let words = LengthCounter.count(paragraph)
            if currentWords > 0 && currentWords + words > maxWords && currentWords >= maxWords / 3 { flush() }
            current.append(paragraph)
            currentWords += words
            if let first = TextSegments.sentences(paragraph).first { openers.append(first) }
        }
        flush()
        return segments
    }

    /// The answer's paragraphs, a paragraph longer than `maxWords` cut between sentences.
    static func pieces(_ answer: String, maxWords: Int) -> [String] {
        TextSegments.paragraphs(answer).flatMap { paragraph -> [String] in
            guard LengthCounter.count(paragraph) > maxWords else { return [paragraph] }
            var pieces: [String] = [], current: [String] = [], words = 0
            for sentence in TextSegments.sentences(paragraph) {
                let n = LengthCounter.count(sentence)
                if words > 0 && words + n > maxWords {
                    pieces.append(TextSegments.joinSentences(current))
                    current = []
                    words = 0
                }
                current.append(sentence)
                words += n
            }
            if !current.isEmpty { pieces.append(TextSegments.joinSentences(current)) }
            return pieces
        }
    }

    /// The plan points of the steps that overlap words `start ..< start + words`.
    static func points(from start: Int, words: Int, steps: [(point: String, words: Int)]) -> [String] {
        var result: [String] = []
        var stepStart = 0
        for step in steps {
            let stepEnd = stepStart + step.words
            if stepStart < start + words && stepEnd > start { result.append(step.point) }
            stepStart = stepEnd
        }
        return result
    }

    /// The most recent openers that fit in `words` words, each cut to 30 words, joined.
    static func summary(_ openers: [String], words: Int) -> String {
        var kept: [String] = []
        var total = 0
        for opener in openers.reversed() {
            let cut = opener.split(separator: " ").prefix(30).joined(separator: " ")
            let n = LengthCounter.count(cut)
            if total + n > words && !kept.isEmpty { break }
            kept.append(cut)
            total += n
        }
        return kept.reversed().joined(separator: " … ")
    }
}
