import Foundation
import Messages

/// A logistic regression over sentence embeddings that says whether a sentence talks about the
/// writing task: the learned half of task-talk detection, beside the rules of `TaskTalkDetector`.
/// The rules are precise but miss phrasings they have not seen; the embedding generalises to them.
///
/// Trained by `scripts/task-talk/train.py` on the dev split of `Tests/Fixtures/task-talk.jsonl`
/// (weights in `TaskTalkClassifierWeights.swift`). It applies only with the encoder it was
/// trained on, and only to sentences written mostly in Latin script: all-MiniLM-L6-v2 is an English
/// encoder, so Chinese sentences are left to the rules.
public struct TaskTalkClassifier: Sendable {
    /// Name of the encoder whose embeddings it reads (the start of `TextEmbedder.identity`).
    public let encoder: String
    /// Probability at which a sentence counts as task talk.
    public let threshold: Double
    let bias: Float
    let weights: [Float]

    public init(encoder: String, threshold: Double, bias: Float, weights: [Float]) {
        self.encoder = encoder
        self.threshold = threshold
        self.bias = bias
        self.weights = weights
    }

    /// Whether `embedder` gives the embeddings this classifier was trained on.
    public func accepts(_ embedder: any TextEmbedder) -> Bool {
        embedder.dimension == weights.count && embedder.identity.hasPrefix(encoder)
    }

    /// Whether the classifier reads `sentence` at all: at least 80% of its letters Latin.
    public static func applies(to sentence: String) -> Bool {
        var latin = 0, letters = 0
        for scalar in sentence.unicodeScalars where scalar.properties.isAlphabetic {
            letters += 1
            if scalar.value < 0x250 { latin += 1 }
        }
        return letters >= 3 && latin * 5 >= letters * 4
    }

    /// The probability that the sentence with this embedding is task talk.
    public func probability(_ embedding: [Float]) -> Double {
        precondition(embedding.count == weights.count, "embedding of the wrong length")
        var z = bias
        for i in weights.indices { z += weights[i] * embedding[i] }
        return 1 / (1 + exp(-Double(z)))
    }
}
