/// The checks a lengthening round must pass to be kept (Self-Lengthen): the text grew, it ends
/// like a finished answer (terminal punctuation), and no n-gram of `ngramWords` words repeats
/// (`ngramCJKCharacters` characters for text written mostly in CJK characters).
public struct LengthenChecks: Sendable, Equatable, Encodable {
    public var ngramWords = 10
    public var ngramCJKCharacters = 13

    public init(ngramWords: Int = 10, ngramCJKCharacters: Int = 13) {
        self.ngramWords = ngramWords
        self.ngramCJKCharacters = ngramCJKCharacters
    }

    /// Why a round's text is not kept.
    public enum Failure: String, Sendable {
        case notLonger = "not_longer"
        case unfinished
        case repeatedNGram = "repeated_ngram"
    }

    /// The first check `text` fails against the previous text's length, or nil when it passes.
    public func failure(of text: String, previousWords: Int) -> Failure? {
        if LengthCounter.count(text) <= previousWords { return .notLonger }
        if !SentenceEnd.isComplete(text) { return .unfinished }
        if hasRepeatedNGram(text) { return .repeatedNGram }
        return nil
    }

    /// Whether some n-gram occurs twice in `text`.
    public func hasRepeatedNGram(_ text: String) -> Bool {
        let units = TextUnits(text)
        return NGrams.firstRepeat(in: units, n: NGrams.size(for: units, words: ngramWords, cjkCharacters: ngramCJKCharacters)) != nil
    }
}
