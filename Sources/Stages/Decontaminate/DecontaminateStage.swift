import Foundation
import Pipeline
import Store

/// Stage `decontaminate`: drops records whose instruction or response shares a run of `ngram`
/// words (`ngram_cjk` characters for CJK text) with an item of the evaluation sets named in
/// `against` (JSONL or text files, plain or `.zst`), so that a model trained on the dataset is not
/// evaluated on what it saw. A dropped record's reject names the evaluation item (file, line and
/// field) and where the match starts. The evaluation files' contents are part of the stage's
/// config hash: editing a set re-checks every record.
public final class DecontaminateStage: MapStage, @unchecked Sendable {
    // @unchecked: the counters are guarded by `lock`; the index is immutable.
    public static let kind = "decontaminate"
    public static let logicVersion = 1
    public let name: String
    public let settings: DecontaminateSettings
    let index: ContaminationIndex
    private let lock = NSLock()
    private var checked = 0, dropped = 0

    public init(name: String, settings: DecontaminateSettings) throws {
        self.name = name
        self.settings = settings
        var items: [EvaluationItem] = []
        for set in settings.against { items += try EvaluationSetReader.items(of: set.resolved, display: set.path, fields: settings.evaluationFields) }
        index = ContaminationIndex(items: items, words: settings.ngram, cjkCharacters: settings.ngramCJK)
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        for field in settings.fields {
            guard let text = record[field]?.string, let hit = index.match(text) else { continue }
            lock.withLock { checked += 1; dropped += 1 }
            return .rejected(id: record.id, Rejection(
                reason: "contaminated",
                detail: "\(field) shares a \(settings.ngram)-word run (from unit \(hit.unit)) with evaluation item \(hit.item.location)",
                extra: ["evaluation_item": .string(hit.item.location), "field": .string(field), "unit": .int(hit.unit),
                        "evaluation_text": .string(String(hit.item.text.prefix(300))), "query": record["query"] ?? .null]))
        }
        lock.withLock { checked += 1 }
        return .records([record])
    }

    public func summaryLines() -> [String] {
        lock.withLock {
            checked == 0 ? [] : ["\(name): \(dropped) of \(checked) records share a \(settings.ngram)-gram with \(index.items.count) evaluation items (\(index.ngramCount) n-grams)"]
        }
    }
}

/// Parameters of the `decontaminate` stage.
public struct DecontaminateSettings: StageSettings {
    public static let keys = ["against", "ngram", "ngram_cjk", "fields", "evaluation_fields"]

    /// One evaluation file: its path as written and the SHA-256 of its bytes (the hash keys the stage).
    struct EvaluationFile: Encodable, Sendable {
        let path: String
        let sha256: String
        /// Absolute path (not part of the hash: moving the file changes nothing).
        let resolved: String
        private enum CodingKeys: String, CodingKey { case sha256 }
    }

    let against: [EvaluationFile]
    let ngram: Int
    let ngramCJK: Int
    /// Record fields compared.
    let fields: [String]
    /// JSONL fields of the evaluation items read (empty: every string field).
    let evaluationFields: [String]

    public init(_ p: ConfigObject, pipeline: PipelineConfig) throws {
        guard let list = try p.array("against"), !list.isEmpty else {
            throw p.document.error(p.sub("against"), "decontaminate needs against: the evaluation sets (JSONL or text files)")
        }
        var files: [EvaluationFile] = []
        for (i, value) in list.enumerated() {
            guard let path = value.string else { throw p.document.error(p.sub("against") + "[\(i)]", "expected a file path, found \(value.typeName)") }
            let resolved = pipeline.resolve((path as NSString).expandingTildeInPath)
            guard FileSystem.fileExists(resolved) else { throw p.document.error(p.sub("against") + "[\(i)]", "no evaluation set at \(resolved)") }
            files.append(EvaluationFile(path: path, sha256: try FileSystem.sha256(ofFile: resolved), resolved: resolved))
        }
        against = files
        ngram = try p.int("ngram", range: 3...200) ?? 13
        ngramCJK = try p.int("ngram_cjk", range: 3...400) ?? 25
        fields = try Self.strings(p, "fields") ?? ["query", "response"]
        evaluationFields = try Self.strings(p, "evaluation_fields") ?? []
    }

    private static func strings(_ p: ConfigObject, _ key: String) throws -> [String]? {
        try p.array(key).map { values in
            try values.enumerated().map { i, value in
                guard let s = value.string else { throw p.document.error(p.sub(key) + "[\(i)]", "expected a string, found \(value.typeName)") }
                return s
            }
        }
    }
}
