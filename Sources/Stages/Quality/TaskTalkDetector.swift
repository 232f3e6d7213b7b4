import Foundation
import Messages

/// Finds sentences of a written answer that talk about the writing task instead of doing it:
/// the model presenting or commenting on its own text ("Here's what the end result looks like:",
/// "I have just completed my second paragraph"), the writing plan leaking into the text
/// ("Paragraph 3 - Main Point: …", "Word Count: 400 words"), refusals ("As an AI, I cannot …") and
/// apologies ("I apologize for the confusion"), in English and Chinese.
///
/// Each sentence gets a score per kind from weighted features (`TaskTalkLexicon`): writing-process
/// words with first or second person, references to the text itself, presentation phrases, plan
/// labels, inability and apology phrases; dialogue in quotes and signs of a narrated scene (a
/// letter, a diary, a time of day) count against talk about the task. A kind whose score reaches
/// `threshold` is a hit; plan leakage wins over refusal, refusal over apology, apology over task
/// talk. The rules use no model. Given a sentence encoder, `share(of:embedder:)` also asks
/// `TaskTalkClassifier` about the sentences the rules let pass, which catches phrasings the rules
/// have not seen (hits it adds are `taskTalk`, marked `byEncoder`).
public struct TaskTalkDetector: Sendable {
    /// What a flagged sentence is.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// The model talking about the task or its own text.
        case taskTalk = "task_talk"
        /// The writing plan (paragraph labels, main points, word counts) in the text.
        case planLeak = "plan_leak"
        /// The model declining to write.
        case refusal
        /// The model apologising as an assistant.
        case apology
    }

    /// One flagged sentence.
    public struct Hit: Sendable, Equatable {
        public var sentence: String
        public var kind: Kind
        /// The winning kind's score (≥ the detector's threshold), or the classifier's probability.
        public var score: Double
        /// Found by the classifier on the sentence's embedding, not by the rules.
        public var byEncoder = false

        public init(sentence: String, kind: Kind, score: Double, byEncoder: Bool = false) {
            self.sentence = sentence
            self.kind = kind
            self.score = score
            self.byEncoder = byEncoder
        }
    }

    /// Score a kind must reach for a sentence to be flagged.
    public var threshold: Double

    public init(threshold: Double = 2) {
        self.threshold = threshold
    }

    /// The kind of talk `sentence` is, or nil for ordinary prose.
    public func classify(_ sentence: String) -> Kind? {
        hit(sentence)?.kind
    }

    /// The flagged kind of `sentence` with its score, or nil for ordinary prose.
    public func hit(_ sentence: String) -> Hit? {
        let scores = TaskTalkLexicon.scores(sentence)
        for kind in Self.precedence {
            if let score = scores[kind], score >= threshold { return Hit(sentence: sentence, kind: kind, score: score) }
        }
        return nil
    }

    /// The flagged sentences of `text`, in order (sentences as `TaskTalkDetector.sentences` splits them).
    public func hits(in text: String) -> [Hit] {
        Self.sentences(of: text).compactMap(hit)
    }

    /// How much of `text` is talk about the task, by the rules alone.
    public func share(of text: String) -> TaskTalkShare {
        let all = Self.sentences(of: text)
        return TaskTalkShare(sentences: all.count, hits: all.compactMap(hit))
    }

    /// How much of `text` is talk about the task: the rules, then `classifier` on the embeddings
    /// of the sentences they let pass (one batch), when `embedder` is the classifier's encoder.
    /// Without an embedder (or with another encoder) this is `share(of:)`.
    public func share(of text: String, embedder: (any TextEmbedder)?,
                      classifier: TaskTalkClassifier = .trained) -> TaskTalkShare {
        guard let embedder, classifier.accepts(embedder) else { return share(of: text) }
        let all = Self.sentences(of: text)
        var found: [Hit?] = all.map(hit)
        for learned in learnedHits(all, passedByRules: found.map { $0 == nil }, embedder: embedder, classifier: classifier) {
            found[learned.index] = learned.hit
        }
        return TaskTalkShare(sentences: all.count, hits: found.compactMap { $0 }, usedEncoder: true)
    }

    /// The classifier's hits among `sentences` (their indices): only those the rules let pass
    /// (`passedByRules`, nil: ask the rules) and the classifier reads, embedded in one batch.
    public func learnedHits(_ sentences: [String], passedByRules: [Bool]? = nil, embedder: any TextEmbedder,
                            classifier: TaskTalkClassifier = .trained) -> [(index: Int, hit: Hit)] {
        guard classifier.accepts(embedder) else { return [] }
        let asked = sentences.indices.filter {
            (passedByRules?[$0] ?? (hit(sentences[$0]) == nil)) && TaskTalkClassifier.applies(to: sentences[$0])
        }
        return zip(asked, embedder.embed(asked.map { sentences[$0] })).compactMap { index, embedding in
            let p = classifier.probability(embedding)
            return p >= classifier.threshold ? (index, Hit(sentence: sentences[index], kind: .taskTalk, score: p, byEncoder: true)) : nil
        }
    }

    /// The kind of `sentence`, by the rules and then the classifier (one sentence; for measuring).
    public func classify(_ sentence: String, embedding: [Float]?, classifier: TaskTalkClassifier = .trained) -> Kind? {
        if let kind = classify(sentence) { return kind }
        guard let embedding, TaskTalkClassifier.applies(to: sentence) else { return nil }
        return classifier.probability(embedding) >= classifier.threshold ? .taskTalk : nil
    }

    /// The sentences of `text`: each line split at sentence ends, so a plan heading on its own line is its own sentence.
    public static func sentences(of text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).flatMap { TextSegments.sentences(String($0)) }
    }

    static let precedence: [Kind] = [.planLeak, .refusal, .apology, .taskTalk]
}

/// The task talk found in one text.
public struct TaskTalkShare: Sendable, Equatable {
    /// Sentences in the text.
    public var sentences: Int
    /// The flagged ones.
    public var hits: [TaskTalkDetector.Hit]
    /// Whether the classifier on sentence embeddings was asked too (else the rules alone).
    public var usedEncoder = false

    public init(sentences: Int, hits: [TaskTalkDetector.Hit], usedEncoder: Bool = false) {
        self.sentences = sentences
        self.hits = hits
        self.usedEncoder = usedEncoder
    }

    /// Flagged sentences over all sentences (0 for an empty text).
    public var share: Double { sentences == 0 ? 0 : Double(hits.count) / Double(sentences) }

    /// Flagged sentences by kind.
    public var counts: [TaskTalkDetector.Kind: Int] {
        hits.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 }
    }
}
