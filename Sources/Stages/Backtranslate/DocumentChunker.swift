/// Cuts a long text into documents of `minWords`…`maxWords` (CJK characters plus words) at
/// paragraph boundaries, preferring chapter boundaries, as Suri cuts its long texts.
///
/// Reference lists (from a `References`-style heading to the next chapter, and trailing runs of
/// entries) are left out, and so are what remains at the end below `minWords` and an unfinished
/// last paragraph (trailing fragments). A paragraph too long to fit is cut between sentences.
/// Document sizes are balanced: a text of 6,000 words with 2,000–5,000 gives two of about 3,000,
/// not 5,000 and a dropped 1,000.
public struct DocumentChunker: Sendable, Equatable, Encodable {
    public var minWords: Int
    public var maxWords: Int
    public var dropReferences: Bool

    public init(minWords: Int = 2000, maxWords: Int = 5000, dropReferences: Bool = true) {
        self.minWords = minWords
        self.maxWords = max(maxWords, minWords)
        self.dropReferences = dropReferences
    }

    /// One document cut from a text.
    public struct Document: Sendable, Equatable {
        public var text: String
        public var words: Int
        /// Its first and last paragraph, as indexes (from 0) into the text's paragraphs.
        public var firstParagraph: Int
        public var lastParagraph: Int
    }

    /// The documents of a text and what was left out.
    public struct Result: Sendable, Equatable {
        public var documents: [Document]
        public var paragraphs: Int
        public var totalWords: Int
        /// Words of reference lists left out.
        public var referenceWords: Int
        /// Words left out at the end: a rest below `minWords`, an unfinished last paragraph.
        public var fragmentWords: Int
    }

    private struct Piece {
        var text: String
        var words: Int
        var paragraph: Int
        var role: ParagraphRole
        /// The first piece of its paragraph (a cut before it is a paragraph boundary).
        var startsParagraph: Bool
    }

    public func chunk(_ text: String) -> Result {
        let paragraphs = TextSegments.paragraphs(TextNormalizer.normalize(text))
        var result = Result(documents: [], paragraphs: paragraphs.count, totalWords: 0, referenceWords: 0, fragmentWords: 0)
        var kept: [(index: Int, text: String, role: ParagraphRole, words: Int)] = []
        var inReferences = false
        for (index, paragraph) in paragraphs.enumerated() {
            let role = ParagraphRole.of(paragraph)
            let words = LengthCounter.count(paragraph)
            result.totalWords += words
            if dropReferences {
                if role == .referencesHeading { inReferences = true }
                if inReferences && role == .chapterHeading { inReferences = false }
                if inReferences { result.referenceWords += words; continue }
            }
            kept.append((index, paragraph, role, words))
        }
        // The tail: reference entries without a heading, headings with nothing after them, an unfinished paragraph.
        while let last = kept.last {
            if dropReferences && last.role == .referenceEntry { result.referenceWords += last.words }
            else if last.role.isHeading || (last.role == .body && !SentenceEnd.isComplete(last.text)) { result.fragmentWords += last.words }
            else { break }
            kept.removeLast()
        }
        let pieceLimit = max(1, (maxWords - minWords) / 2)
        var pieces: [Piece] = []
        for p in kept {
            guard p.words > pieceLimit else {
                pieces.append(Piece(text: p.text, words: p.words, paragraph: p.index, role: p.role, startsParagraph: true))
                continue
            }
            var group: [String] = [], groupWords = 0
            for sentence in TextSegments.sentences(p.text) {
                let words = LengthCounter.count(sentence)
                if !group.isEmpty && groupWords + words > pieceLimit {
                    pieces.append(Piece(text: TextSegments.joinSentences(group), words: groupWords, paragraph: p.index, role: p.role,
                                        startsParagraph: pieces.last?.paragraph != p.index))
                    group = []; groupWords = 0
                }
                group.append(sentence); groupWords += words
            }
            if !group.isEmpty {
                pieces.append(Piece(text: TextSegments.joinSentences(group), words: groupWords, paragraph: p.index, role: p.role,
                                    startsParagraph: pieces.last?.paragraph != p.index))
            }
        }
        for (start, end) in cuts(pieces) {
            let slice = pieces[start..<end]
            var text = ""
            for (i, piece) in slice.enumerated() {
                if i > 0 { text += piece.startsParagraph ? "\n\n" : (TextSegments.isCJK(text.last ?? " ") ? "" : " ") }
                text += piece.text
            }
            result.documents.append(Document(text: text, words: slice.reduce(0) { $0 + $1.words },
                                             firstParagraph: slice.first!.paragraph, lastParagraph: slice.last!.paragraph))
        }
        result.fragmentWords += pieces.reduce(0) { $0 + $1.words } - result.documents.reduce(0) { $0 + $1.words }
        return result
    }

    /// The documents as piece ranges, chosen by dynamic programming over piece boundaries: every
    /// document has `minWords`…`maxWords` and does not end on a heading; the cuts cost nothing
    /// before a chapter heading, 1 at another paragraph boundary and 4 inside a paragraph, plus a
    /// little for sizes far from the middle of the range; words left over at the end cost most.
    private func cuts(_ pieces: [Piece]) -> [(Int, Int)] {
        let n = pieces.count
        guard n > 0 else { return [] }
        var before = [0]
        for piece in pieces { before.append(before.last! + piece.words) }
        let ideal = Double(minWords + maxWords) / 2
        func cutCost(_ i: Int) -> Double {
            if i == n || pieces[i].role == .chapterHeading { return 0 }
            return pieces[i].startsParagraph ? 1 : 4
        }
        var best = [Double](repeating: .infinity, count: n + 1)
        var from = [Int](repeating: -1, count: n + 1)
        best[0] = 0
        for end in 1...n where !pieces[end - 1].role.isHeading {
            var start = end - 1
            while start >= 0 && before[end] - before[start] <= maxWords {
                let words = before[end] - before[start]
                if words >= minWords && best[start] < .infinity {
                    let cost = best[start] + cutCost(end) + 0.1 * abs(Double(words) - ideal) / ideal
                    if cost < best[end] { best[end] = cost; from[end] = start }
                }
                start -= 1
            }
        }
        var last = 0
        var lastCost = 10 * Double(before[n]) / Double(minWords)
        for end in 1...n where best[end] < .infinity {
            let cost = best[end] + 10 * Double(before[n] - before[end]) / Double(minWords)
            if cost < lastCost { last = end; lastCost = cost }
        }
        var ranges: [(Int, Int)] = []
        while last > 0 {
            ranges.insert((from[last], last), at: 0)
            last = from[last]
        }
        return ranges
    }
}
