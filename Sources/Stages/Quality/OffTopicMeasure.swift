import Foundation
import Messages
import Pipeline

/// How much of a set of answers is about something other than its instruction: every paragraph
/// of every response is embedded and compared with its instruction; a paragraph whose cosine is
/// below the threshold counts as off-topic. This is the figure issue 15 measures the default
/// build by (`lwdata relevance`).
public struct OffTopicMeasure: Sendable {
    /// What counts as a paragraph.
    public enum Unit: String, Sendable, CaseIterable {
        /// Text between blank lines (`TextSegments.paragraphs`).
        case paragraphs
        /// Every non-empty line (a small model's answers often have a line break, no blank line,
        /// between paragraphs).
        case lines
    }

    public let threshold: Double
    public let unit: Unit
    public private(set) var records = 0
    public private(set) var paragraphs = 0
    public private(set) var offTopic = 0
    public private(set) var cosineSum = 0.0
    /// Per record: paragraphs and off-topic paragraphs.
    public private(set) var perRecord: [(id: String, paragraphs: Int, offTopic: Int)] = []
    /// Cosine sums and counts by position in the answer (tenths of its paragraphs).
    public private(set) var byTenth = [(sum: Double, count: Int)](repeating: (0, 0), count: 10)

    public init(threshold: Double = RelevanceScorer.offTopicCosine, unit: Unit = .paragraphs) {
        self.threshold = threshold
        self.unit = unit
    }

    /// Adds one answer: embeds the instruction and the paragraphs in one call.
    public mutating func add(id: String, instruction: String, response: String, embedder: any TextEmbedder) {
        let text = TextNormalizer.normalize(response)
        let parts = unit == .paragraphs ? TextSegments.paragraphs(text)
            : text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let vectors = embedder.embed([instruction] + parts)
        var below = 0
        for (index, vector) in vectors.dropFirst().enumerated() {
            var cosine: Float = 0
            for i in vector.indices { cosine += vector[i] * vectors[0][i] }
            if Double(cosine) < threshold { below += 1 }
            cosineSum += Double(cosine)
            let tenth = min(9, index * 10 / max(1, parts.count))
            byTenth[tenth].sum += Double(cosine)
            byTenth[tenth].count += 1
        }
        records += 1
        paragraphs += parts.count
        offTopic += below
        perRecord.append((id, parts.count, below))
    }

    /// Share of paragraphs below the threshold (nil without paragraphs).
    public var offTopicShare: Double? { paragraphs == 0 ? nil : Double(offTopic) / Double(paragraphs) }
    public var meanCosine: Double? { paragraphs == 0 ? nil : cosineSum / Double(paragraphs) }

    public var json: JSONValue {
        ["threshold": .double(threshold), "unit": .string(unit.rawValue), "records": .int(records), "paragraphs": .int(paragraphs), "off_topic_paragraphs": .int(offTopic),
         "off_topic_share": offTopicShare.map(JSONValue.double) ?? .null, "mean_cosine": meanCosine.map(JSONValue.double) ?? .null,
         "mean_cosine_by_tenth": .array(byTenth.map { $0.count == 0 ? .null : .double($0.sum / Double($0.count)) }),
         "records_detail": .array(perRecord.map { ["id": .string($0.id), "paragraphs": .int($0.paragraphs), "off_topic": .int($0.offTopic)] })]
    }
}
