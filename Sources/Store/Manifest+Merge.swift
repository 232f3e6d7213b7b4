import Foundation
import GRDB

/// The stages a folder was last built with: what `lwdata merge` compares between folders.
public struct BuiltPipeline: Sendable, Equatable {
    public struct Stage: Sendable, Equatable {
        public var name: String
        public var kind: String
        public var configHash: String
    }

    /// The most recent run.
    public var run: RunRow
    public var pipelineHash: String
    /// Its stages in pipeline order, with the hash of each one's configuration.
    public var stages: [Stage]
}

/// Manifest reads and writes used to merge output folders (no schema change).
extension Manifest {
    /// The most recent run and the stages it ran, nil when nothing was ever built here.
    public func latestPipeline() throws -> BuiltPipeline? {
        guard let row = try readRows("SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT 1", []).first else { return nil }
        let run = RunRow(id: row["id"], pipeline: row["pipeline"], startedAt: row["started_at"], finishedAt: row["finished_at"],
                         status: row["status"], message: row["message"])
        let stages = try readRows("SELECT name, kind, config_hash FROM stages WHERE run_id = ? ORDER BY rowid", [run.id]).map {
            BuiltPipeline.Stage(name: $0["name"], kind: $0["kind"], configHash: $0["config_hash"])
        }
        return BuiltPipeline(run: run, pipelineHash: row["pipeline_hash"], stages: stages)
    }

    /// Copies the runs, per-run stage counters and model usage of another manifest; rows this one
    /// already has (same run id) are kept as they are.
    public func importHistory(from other: Manifest) throws {
        let runs = try other.readRows("SELECT id, pipeline, pipeline_hash, started_at, finished_at, status, message FROM runs", [])
        let stages = try other.readRows("SELECT run_id, name, kind, config_hash, processed, cached, emitted, rejected FROM stages", [])
        let usage = try other.readRows("SELECT run_id, stage, backend, calls, retries, errors, tokens_in, tokens_out, cost FROM usage", [])
        try write { db in
            for (table, rows) in [("runs", runs), ("stages", stages), ("usage", usage)] {
                for row in rows {
                    let columns = Array(row.columnNames)
                    try db.execute(sql: "INSERT OR IGNORE INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                                   arguments: StatementArguments(columns.map { row[$0] as DatabaseValue }))
                }
            }
        }
    }
}
