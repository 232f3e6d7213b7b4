import Digest
import Foundation

/// One file of a release: a dataset shard, by its path inside the release folder.
public struct ReleaseFile: Sendable, Equatable, Codable {
    /// Relative to the release folder, e.g. `export/20250101T000000Z-1a2b3c4d-00000.jsonl.zst`.
    public var path: String
    /// The dataset stage that wrote it.
    public var stage: String
    public var records: Int
    /// Compressed size on disk.
    public var bytes: Int
    public var sha256: String

    public init(path: String, stage: String, records: Int, bytes: Int, sha256: String) {
        self.path = path
        self.stage = stage
        self.records = records
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// An immutable snapshot of the dataset shards of an output folder, published after a
/// successful build under `releases/<id>/` and registered in the manifest.
public struct Release: Sendable, Equatable, Codable {
    /// The id, sortable by time (the id of the run that published it).
    public var id: String
    public var runID: String
    /// Seconds since 1970.
    public var createdAt: Double
    public var files: [ReleaseFile]
    /// SHA-256 over the files' paths and hashes: equal digests mean equal contents.
    public var digest: String

    public init(id: String, runID: String, createdAt: Double, files: [ReleaseFile]) {
        self.id = id
        self.runID = runID
        self.createdAt = createdAt
        self.files = files.sorted { $0.path < $1.path }
        digest = Self.digest(of: self.files)
    }

    public var records: Int { files.reduce(0) { $0 + $1.records } }
    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }

    /// The digest of a list of files (order-independent).
    public static func digest(of files: [ReleaseFile]) -> String {
        SHA256.hex(of: files.map { "\($0.path)\t\($0.sha256)\n" }.sorted().joined())
    }

    enum CodingKeys: String, CodingKey {
        case id, runID = "run_id", createdAt = "created_at", files, digest
    }

    /// `release.json`: the release as JSON, keys sorted, one per line.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
