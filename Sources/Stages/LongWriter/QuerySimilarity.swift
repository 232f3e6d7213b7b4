import Foundation

/// Similarity between a query and the examples an index was built on: the pluggable part of the
/// nearest-neighbour length vote (TF-IDF now; a sentence encoder's embeddings can take its place).
public protocol QuerySimilarityIndex: Sendable {
    /// What the similarity is, for records and summaries (e.g. `tfidf`).
    var name: String { get }
    /// Cosine similarity of `query` to each indexed example, in the order they were given.
    func similarities(to query: String) -> [Double]
}

/// TF-IDF cosine over word unigrams and bigrams (each CJK character is a word), model-free.
/// Terms: lower-cased runs of letters and digits, and single Chinese, Japanese and Korean
/// characters; weights (1 + ln tf) × idf with idf = ln((1 + N) / (1 + df)) + 1 over the examples.
public struct TFIDFIndex: QuerySimilarityIndex {
    public let name = "tfidf"
    private let idf: [String: Double]
    private let unseenIDF: Double
    private let vectors: [[String: Double]]

    public init(examples: [String]) {
        let terms = examples.map(Self.terms)
        var documentFrequency: [String: Int] = [:]
        for counts in terms { for term in counts.keys { documentFrequency[term, default: 0] += 1 } }
        let n = Double(examples.count)
        let idf = documentFrequency.mapValues { log((1 + n) / (1 + Double($0))) + 1 }
        let unseenIDF = log(1 + n) + 1
        self.idf = idf
        self.unseenIDF = unseenIDF
        vectors = terms.map { Self.vector($0, idf: idf, unseenIDF: unseenIDF) }
    }

    public func similarities(to query: String) -> [Double] {
        let q = Self.vector(Self.terms(query), idf: idf, unseenIDF: unseenIDF)
        return vectors.map { example in q.reduce(0) { $0 + $1.value * (example[$1.key] ?? 0) } }
    }

    /// Unit-length TF-IDF vector of term counts.
    private static func vector(_ counts: [String: Int], idf: [String: Double], unseenIDF: Double) -> [String: Double] {
        var v = counts.reduce(into: [String: Double]()) { $0[$1.key] = (1 + log(Double($1.value))) * (idf[$1.key] ?? unseenIDF) }
        let norm = v.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for key in v.keys { v[key]! /= norm } }
        return v
    }

    /// Unigram and bigram counts of a text.
    static func terms(_ text: String) -> [String: Int] {
        var tokens: [String] = []
        var word = ""
        for scalar in text.lowercased().unicodeScalars {
            let script = Script.of(scalar)
            if script.isCJK {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(scalar))
            } else if script != .nonLetter || ("0"..."9").contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                tokens.append(word)
                word = ""
            }
        }
        if !word.isEmpty { tokens.append(word) }
        var counts: [String: Int] = [:]
        for token in tokens { counts[token, default: 0] += 1 }
        for (a, b) in zip(tokens, tokens.dropFirst()) { counts[a + " " + b, default: 0] += 1 }
        return counts
    }
}
