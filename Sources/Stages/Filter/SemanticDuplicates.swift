import Foundation
import Messages
import Pipeline

/// The semantic-dedup part of `dedup-filter`: texts queued per member (a record kept earlier or
/// new), embedded in batches into one `SemanticIndex` per compared field, and the pairs found.
///
/// Kept records carry their embeddings (`filter.embeddings`: the encoder's identity and, per field,
/// the float16 values in base64), so a later build compares its new records with them without
/// embedding the earlier records again: a stored embedding goes into the index as it arrives, and
/// only the text of a record without one waits in memory for the encoder. (Earlier records come
/// from builds of the same configuration, whose hash holds the encoder's identity; a stored
/// embedding of another encoder is an error.) Not thread-safe: the stage calls it under its lock.
final class SemanticDuplicates {
    let settings: SemanticDedupSettings
    private let memoryLimit: Int
    private var indexes: [DedupFilterSettings.Field: SemanticIndex] = [:]
    /// The member of each embedding of each field, and each member's row in a field's index.
    private var memberOf: [DedupFilterSettings.Field: [Int]] = [:]
    private var rowOf: [DedupFilterSettings.Field: [Int: Int]] = [:]
    private var queued: [Text] = []
    /// Encoders of the stored embeddings taken so far.
    private var storedEncoders = Set<String>()

    /// A member's text waiting for the encoder.
    struct Text {
        var field: DedupFilterSettings.Field
        var text: String
        var member: Int
        var prior: Bool
    }

    /// Texts queued per embedding call.
    static let batch = 256

    init(settings: SemanticDedupSettings, memoryLimit: Int) {
        self.settings = settings
        self.memoryLimit = memoryLimit
    }

    var queuedCount: Int { queued.count }

    /// Takes the compared fields of a member: the embeddings stored in its record's
    /// `filter.embeddings` at once, the other texts into the queue for the encoder.
    func queue(instruction: String, response: String, member: Int, prior: Bool, stored: JSONValue? = nil) throws {
        for field in settings.fields {
            let text = Text(field: field, text: field == .instruction ? instruction : response, member: member, prior: prior)
            if let encoder = stored?["encoder"]?.string, let encoded = stored?[field.rawValue]?.string,
               let data = Data(base64Encoded: encoded), data.count >= 2, data.count % 2 == 0 {
                let half = data.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
                guard indexes[field].map({ $0.dimension == half.count }) ?? true else {
                    throw SemanticDedupError.storedEmbedding(encoder: encoder, values: half.count, expected: indexes[field]!.dimension)
                }
                try index(field, dimension: half.count).add(half: half, prior: prior)
                record(text)
                storedEncoders.insert(encoder)
            } else {
                queued.append(text)
            }
        }
    }

    /// Embeds the queued texts in batches into the indexes.
    func embedQueued(with embedder: any TextEmbedder) throws {
        if let other = storedEncoders.first(where: { $0 != embedder.identity }) {
            throw SemanticDedupError.encoderChanged(stored: other, current: embedder.identity)
        }
        let toEmbed = queued
        queued.removeAll()
        for start in stride(from: 0, to: toEmbed.count, by: Self.batch) {
            let batch = toEmbed[start..<min(toEmbed.count, start + Self.batch)]
            for (text, embedding) in zip(batch, embedder.embed(batch.map(\.text))) {
                try index(text.field, dimension: embedder.dimension).add(embedding, prior: text.prior)
                record(text)
            }
        }
    }

    /// Calls `link(a, b, cosine, field)` for the members of every pair found; members for which
    /// `isActive` is false take no part.
    func findPairs(isActive: (Int) -> Bool, _ link: (Int, Int, Double, DedupFilterSettings.Field) throws -> Void) throws {
        for field in DedupFilterSettings.Field.allCases {
            guard let index = indexes[field], let members = memberOf[field] else { continue }
            try index.findPairs(isActive: { isActive(members[$0]) }) { a, b, similarity in
                try link(members[a], members[b], similarity, field)
            }
        }
    }

    /// A member's embeddings as a kept record stores them (`filter.embeddings`), nil when it has none.
    func storedEmbeddings(of member: Int, encoder: String) throws -> JSONValue? {
        var object: [String: JSONValue] = ["encoder": .string(encoder)]
        for field in settings.fields {
            guard let row = rowOf[field]?[member], let index = indexes[field] else { return nil }
            let half = try index.half(row)
            object[field.rawValue] = .string(half.withUnsafeBytes { Data($0) }.base64EncodedString())
        }
        return .object(object)
    }

    private func index(_ field: DedupFilterSettings.Field, dimension: Int) -> SemanticIndex {
        if let index = indexes[field] { return index }
        let index = SemanticIndex(dimension: dimension, threshold: settings.threshold, memoryLimit: memoryLimit)
        indexes[field] = index
        return index
    }

    private func record(_ text: Text) {
        rowOf[text.field, default: [:]][text.member] = memberOf[text.field, default: []].count
        memberOf[text.field, default: []].append(text.member)
    }
}

/// Embeddings stored by an earlier build that this one cannot compare with its own.
public enum SemanticDedupError: Error, CustomStringConvertible {
    case encoderChanged(stored: String, current: String)
    case storedEmbedding(encoder: String, values: Int, expected: Int)

    public var description: String {
        switch self {
        case let .encoderChanged(stored, current):
            return "semantic dedup: records kept by an earlier build hold embeddings of encoder \(stored), this build embeds with \(current)"
        case let .storedEmbedding(encoder, values, expected):
            return "semantic dedup: a kept record holds an embedding of \(values) values (encoder \(encoder)), expected \(expected)"
        }
    }
}
