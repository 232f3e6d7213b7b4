/// Which kind of records a shard holds.
public enum ShardRole: String, Sendable, Codable {
    case data
    case reject
}

/// One finished item as it is registered together with its shard.
public struct ItemRow: Sendable, Equatable {
    public var cacheKey: String
    public var seq: Int
    public var recordID: String
    public var rejected: Bool
    public var reason: String?
    /// Zero-based line of the record inside its shard.
    public var line: Int

    public init(cacheKey: String, seq: Int, recordID: String, rejected: Bool, reason: String?, line: Int) {
        self.cacheKey = cacheKey
        self.seq = seq
        self.recordID = recordID
        self.rejected = rejected
        self.reason = reason
        self.line = line
    }
}

/// Where an already-finished item's outputs are stored.
public struct CachedItem: Sendable, Equatable {
    public var seq: Int
    public var recordID: String
    public var rejected: Bool
    public var shardPath: String
    public var line: Int
}

/// A shard as registered in the manifest; `path` is relative to the output folder.
public struct ShardRow: Sendable, Equatable, Codable {
    public var id: Int64
    public var stage: String
    public var role: ShardRole
    public var path: String
    public var runID: String
    public var records: Int
    public var uncompressedBytes: Int
    public var compressedBytes: Int
    public var sha256: String
}

/// A build as registered in the manifest.
public struct RunRow: Sendable, Equatable, Codable {
    public var id: String
    public var pipeline: String
    public var startedAt: Double
    public var finishedAt: Double?
    public var status: String
    public var message: String?
}

/// Per-run counters of one stage.
public struct StageCounts: Sendable, Equatable, Codable {
    public var runID: String
    public var name: String
    public var kind: String
    public var processed: Int
    public var cached: Int
    public var emitted: Int
    public var rejected: Int

    public init(runID: String, name: String, kind: String, processed: Int = 0, cached: Int = 0, emitted: Int = 0, rejected: Int = 0) {
        self.runID = runID
        self.name = name
        self.kind = kind
        self.processed = processed
        self.cached = cached
        self.emitted = emitted
        self.rejected = rejected
    }
}

/// Model-call accounting of one stage and backend within a run.
public struct UsageRow: Sendable, Equatable, Codable {
    public var stage: String
    public var backend: String
    public var calls: Int
    public var retries: Int
    public var errors: Int
    public var tokensIn: Int
    public var tokensOut: Int
    /// Estimated cost in the pipeline's currency (0 when the pipeline gives no prices).
    public var cost: Double

    public init(stage: String, backend: String, calls: Int = 0, retries: Int = 0, errors: Int = 0, tokensIn: Int = 0, tokensOut: Int = 0,
                cost: Double = 0) {
        self.stage = stage
        self.backend = backend
        self.calls = calls
        self.retries = retries
        self.errors = errors
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.cost = cost
    }
}
