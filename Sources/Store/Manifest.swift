import Foundation
import GRDB

/// The SQLite manifest of an output folder: runs, stages, shards, finished items, reject reasons.
///
/// It is the truth about what is done: an item counts as done only once the shard holding its
/// record is on disk under its final name and registered here, in the same transaction.
public final class Manifest: @unchecked Sendable {
    // @unchecked: GRDB's DatabasePool serialises writes and isolates reads; the rest is immutable.
    public let directory: String
    public let path: String
    private let db: DatabasePool

    /// Opens (creating and migrating as needed) `<directory>/manifest.sqlite` in WAL mode;
    /// `readOnly` opens an existing manifest as it is, for looking without writing (`build --dry-run`).
    public init(directory: String, readOnly: Bool = false) throws {
        self.directory = directory
        path = OutputLayout(directory: directory).manifest
        if !readOnly { try FileSystem.makeDirectories(directory) }
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            db = try DatabasePool(path: path, configuration: config)
            if !readOnly { try ManifestSchema.migrator().migrate(db) }
        } catch {
            throw StoreError.manifest(path: path, message: "\(error)")
        }
    }

    /// Migrations applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try db.read { try ManifestSchema.migrator().appliedMigrations($0) }
    }

    /// Absolute path of a shard path stored relative to the output folder.
    public func absolutePath(_ relative: String) -> String { directory + "/" + relative }

    // MARK: runs

    /// Registers a new run and marks runs left `running` by a dead process as `interrupted`.
    public func beginRun(id: String, pipeline: String, pipelineHash: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            try db.execute(sql: "INSERT INTO runs (id, pipeline, pipeline_hash, started_at, status) VALUES (?, ?, ?, ?, 'running')",
                           arguments: [id, pipeline, pipelineHash, Date().timeIntervalSince1970])
        }
    }

    /// Records how a run ended.
    public func finishRun(id: String, status: String, message: String?) throws {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE id = ?",
                           arguments: [status, Date().timeIntervalSince1970, message, id])
        }
    }

    public func runs() throws -> [RunRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at, id").map {
                RunRow(id: $0["id"], pipeline: $0["pipeline"], startedAt: $0["started_at"],
                       finishedAt: $0["finished_at"], status: $0["status"], message: $0["message"])
            }
        }
    }

    // MARK: stages

    /// Saves a stage's counters for a run (insert or replace).
    public func saveStageCounts(_ counts: StageCounts, configHash: String) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO stages (run_id, name, kind, config_hash, processed, cached, emitted, rejected)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, name) DO UPDATE SET processed = excluded.processed, cached = excluded.cached,
                    emitted = excluded.emitted, rejected = excluded.rejected, config_hash = excluded.config_hash
                """, arguments: [counts.runID, counts.name, counts.kind, configHash,
                                 counts.processed, counts.cached, counts.emitted, counts.rejected])
        }
    }

    public func stageCounts(runID: String) throws -> [StageCounts] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stages WHERE run_id = ? ORDER BY rowid", arguments: [runID]).map {
                StageCounts(runID: $0["run_id"], name: $0["name"], kind: $0["kind"], processed: $0["processed"],
                            cached: $0["cached"], emitted: $0["emitted"], rejected: $0["rejected"])
            }
        }
    }

    // MARK: shards and items

    /// Registers a finished shard and marks its items done, atomically.
    @discardableResult
    public func commitShard(_ info: ShardInfo, stage: String, role: ShardRole, runID: String, items: [ItemRow]) throws -> Int64 {
        try write { db in try insertShard(db, info, stage: stage, role: role, runID: runID, items: items) }
    }

    func insertShard(_ db: Database, _ info: ShardInfo, stage: String, role: ShardRole, runID: String, items: [ItemRow]) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO shards (stage, role, path, run_id, records, uncompressed_bytes, compressed_bytes, sha256, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [stage, role.rawValue, relativePath(info.path), runID, info.records, info.uncompressedBytes,
                             info.compressedBytes, info.sha256, Date().timeIntervalSince1970])
        let shardID = db.lastInsertedRowID
        let statement = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO items (stage, cache_key, seq, record_id, status, reason, shard_id, line, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for item in items {
            try statement.execute(arguments: [stage, item.cacheKey, item.seq, item.recordID,
                                              item.rejected ? "rejected" : "done", item.reason, shardID, item.line, runID])
        }
        return shardID
    }

    func readRows(_ sql: String, _ arguments: [DatabaseValueConvertible]) throws -> [Row] {
        try read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
    }

    /// The finished outputs of an item, ordered by `seq`; empty when it is not done.
    public func cachedItem(stage: String, cacheKey: String) throws -> [CachedItem] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT items.seq, items.record_id, items.status, items.line, shards.path FROM items
                JOIN shards ON shards.id = items.shard_id WHERE items.stage = ? AND items.cache_key = ? ORDER BY items.seq
                """, arguments: [stage, cacheKey]).map {
                CachedItem(seq: $0["seq"], recordID: $0["record_id"], rejected: ($0["status"] as String) == "rejected",
                           shardPath: $0["path"], line: $0["line"])
            }
        }
    }

    /// Every finished item key of a stage with its first output's record id and status.
    public func finishedKeys(stage: String) throws -> [String: (recordID: String, rejected: Bool)] {
        try read { db in
            var result: [String: (String, Bool)] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT cache_key, record_id, status FROM items WHERE stage = ? AND seq = 0",
                                           arguments: [stage])
            while let row = try rows.next() {
                result[row["cache_key"]] = (row["record_id"], (row["status"] as String) == "rejected")
            }
            return result
        }
    }

    public func shards(stage: String? = nil, role: ShardRole? = nil) throws -> [ShardRow] {
        try read { db in
            var sql = "SELECT * FROM shards WHERE 1"
            var args: [DatabaseValueConvertible] = []
            if let stage { sql += " AND stage = ?"; args.append(stage) }
            if let role { sql += " AND role = ?"; args.append(role.rawValue) }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(args)).map {
                ShardRow(id: $0["id"], stage: $0["stage"], role: ShardRole(rawValue: $0["role"]) ?? .data, path: $0["path"],
                         runID: $0["run_id"], records: $0["records"], uncompressedBytes: $0["uncompressed_bytes"],
                         compressedBytes: $0["compressed_bytes"], sha256: $0["sha256"])
            }
        }
    }

    /// Number of finished items per stage and status, over every run.
    public func itemCounts() throws -> [(stage: String, done: Int, rejected: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT stage, SUM(status = 'done') AS done, SUM(status = 'rejected') AS rejected
                FROM items GROUP BY stage ORDER BY MIN(rowid)
                """).map { ($0["stage"], $0["done"], $0["rejected"]) }
        }
    }

    /// Rejected items per stage and reason, over every run.
    public func rejectCounts() throws -> [(stage: String, reason: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT stage, COALESCE(reason, 'unspecified') AS reason, COUNT(*) AS n FROM items
                WHERE status = 'rejected' GROUP BY stage, reason ORDER BY stage, n DESC, reason
                """).map { ($0["stage"], $0["reason"], $0["n"]) }
        }
    }

    // MARK: usage

    /// Adds model-call counters for a stage and backend of a run.
    public func addUsage(runID: String, _ usage: UsageRow) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO usage (run_id, stage, backend, calls, retries, errors, tokens_in, tokens_out, cost)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, stage, backend) DO UPDATE SET calls = calls + excluded.calls,
                    retries = retries + excluded.retries, errors = errors + excluded.errors,
                    tokens_in = tokens_in + excluded.tokens_in, tokens_out = tokens_out + excluded.tokens_out,
                    cost = cost + excluded.cost
                """, arguments: [runID, usage.stage, usage.backend, usage.calls, usage.retries, usage.errors,
                                 usage.tokensIn, usage.tokensOut, usage.cost])
        }
    }

    /// Model-call counters per stage and backend, summed over every run.
    public func usage() throws -> [UsageRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT stage, backend, SUM(calls) c, SUM(retries) r, SUM(errors) e, SUM(tokens_in) ti, SUM(tokens_out) t, SUM(cost) k
                FROM usage GROUP BY stage, backend ORDER BY stage, backend
                """).map { UsageRow(stage: $0["stage"], backend: $0["backend"], calls: $0["c"], retries: $0["r"],
                                    errors: $0["e"], tokensIn: $0["ti"], tokensOut: $0["t"], cost: $0["k"]) }
        }
    }

    // MARK: plumbing

    func relativePath(_ path: String) -> String {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try db.read(body) } catch let error as StoreError { throw error } catch {
            throw StoreError.manifest(path: path, message: "\(error)")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try db.write(body) } catch let error as StoreError { throw error } catch {
            throw StoreError.manifest(path: path, message: "\(error)")
        }
    }
}
