import Messages
import Pipeline

/// How relevant one written section is to what it was written for, by sentence embeddings: the
/// cosine of each of its paragraphs (`TextSegments.paragraphs`) to the instruction and to the
/// section's plan point, averaged with the paragraphs' word counts as weights. Paragraphs are
/// embedded one by one because the encoder reads at most 256 tokens of a text, less than a section.
public struct SectionRelevance: Sendable, Equatable {
    /// Mean cosine of the paragraphs to the instruction.
    public var instruction: Double
    /// Mean cosine of the paragraphs to the plan point.
    public var plan: Double
    /// Paragraphs, and those whose cosine to the instruction is below `RelevanceScorer.offTopicCosine`.
    public var paragraphs: Int
    public var offTopicParagraphs: Int

    /// The score the write stage's threshold and best-of-N use: the mean of the two cosines (the
    /// section must be about the request, and about its own part of the plan).
    public var score: Double { (instruction + plan) / 2 }

    /// As the record keeps it (`write_meta.steps[].relevance`, candidates' scores).
    public var json: JSONValue {
        ["score": .double(Self.rounded(score)), "instruction": .double(Self.rounded(instruction)), "plan": .double(Self.rounded(plan)),
         "paragraphs": .int(paragraphs), "off_topic_paragraphs": .int(offTopicParagraphs)]
    }

    static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}

/// Scores written sections against an instruction and their plan points with a `TextEmbedder`.
public struct RelevanceScorer: Sendable {
    /// Cosine to the instruction below which a paragraph counts as off-topic (the figure issue 15
    /// measures the default build by).
    public static let offTopicCosine = 0.15

    public let embedder: any TextEmbedder
    private let instructionVector: [Float]

    /// A scorer for texts written for `instruction`.
    public init(embedder: any TextEmbedder, instruction: String) {
        self.embedder = embedder
        instructionVector = embedder.embed([instruction])[0]
    }

    /// The relevance of each of `sections` to the instruction and to `point` (one call to the
    /// encoder for all their paragraphs). A section without paragraphs scores 0.
    public func score(_ sections: [String], point: String) -> [SectionRelevance] {
        let split = sections.map(TextSegments.paragraphs)
        let embeddings = embedder.embed([point] + split.flatMap { $0 })
        let pointVector = embeddings[0]
        var next = 1
        return split.map { paragraphs in
            var toInstruction = 0.0, toPlan = 0.0, weights = 0.0, offTopic = 0
            for paragraph in paragraphs {
                let vector = embeddings[next]
                next += 1
                let weight = Double(max(1, LengthCounter.count(paragraph)))
                let similarity = Double(Self.cosine(vector, instructionVector))
                if similarity < Self.offTopicCosine { offTopic += 1 }
                toInstruction += weight * similarity
                toPlan += weight * Double(Self.cosine(vector, pointVector))
                weights += weight
            }
            return SectionRelevance(instruction: weights > 0 ? toInstruction / weights : 0, plan: weights > 0 ? toPlan / weights : 0,
                                    paragraphs: paragraphs.count, offTopicParagraphs: offTopic)
        }
    }

    private static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var total: Float = 0
        for i in a.indices { total += a[i] * b[i] }
        return total
    }
}
