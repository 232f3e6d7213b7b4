import Foundation
import Messages
import Pipeline

/// The semantic-dedup part of `dedup-filter`: texts queued per member (a record kept earlier or
/// new), embedded in batches into one `SemanticIndex` per compared field, and the pairs found.
///
/// Kept records carry their embeddings (`filter.embeddings`: the encoder's identity and, per field,
/// the float16 values in base64), so a later build compares its new records with them without
/// embedding the earlier records again (unless the encoder changed). Not thread-safe: the stage
/// calls it under its lock.
final class SemanticDuplicates {
    let settings: SemanticDedupSettings
    private let memoryLimit: Int
    private var indexes: [DedupFilterSettings.Field: SemanticIndex] = [:]
    /// The member of each embedding of each field, and each member's row in a field's index.
    private var memberOf: [DedupFilterSettings.Field: [Int]] = [:]
    private var rowOf: [DedupFilterSettings.Field: [Int: Int]] = [:]
    private var queued: [Text] = []

    /// A member's text waiting for the index, with the embedding an earlier build stored, if any.
    struct Text {
        var field: DedupFilterSettings.Field
        var text: String
        var member: Int
        var prior: Bool
        var stored: (encoder: String, half: [UInt16])?
    }

    /// Texts queued per embedding call.
    static let batch = 256

    init(settings: SemanticDedupSettings, memoryLimit: Int) {
        self.settings = settings
        self.memoryLimit = memoryLimit
    }

    var queuedCount: Int { queued.count }

    /// Queues the compared fields of a member; `stored` is its record's `filter.embeddings`, if any.
    func queue(instruction: String, response: String, member: Int, prior: Bool, stored: JSONValue? = nil) {
        for field in settings.fields {
            var text = Text(field: field, text: field == .instruction ? instruction : response, member: member, prior: prior)
            if let encoder = stored?["encoder"]?.string, let encoded = stored?[field.rawValue]?.string,
               let data = Data(base64Encoded: encoded), data.count % 2 == 0 {
                text.stored = (encoder, data.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) })
            }
            queued.append(text)
        }
    }

    /// Adds the queued texts to the indexes: stored embeddings of this encoder as they are, the
    /// others embedded in batches.
    func embedQueued(with embedder: any TextEmbedder) throws {
        var toEmbed: [Text] = []
        for text in queued {
            if let stored = text.stored, stored.encoder == embedder.identity, stored.half.count == embedder.dimension {
                try index(text.field, dimension: embedder.dimension).add(half: stored.half, prior: text.prior)
                record(text)
            } else {
                toEmbed.append(text)
            }
        }
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
