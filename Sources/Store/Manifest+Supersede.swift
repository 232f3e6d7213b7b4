import Foundation
import GRDB

/// Finished records replaced by a newer version (same record id, later shard), e.g. after a
/// prompt change re-ran a stage: what a compaction drops so a dataset holds one version a record.
extension Manifest {
    /// Lines (0-based) of superseded records, per shard id, for a stage.
    public func supersededLines(stage: String) throws -> [Int64: Set<Int>] {
        try readRows("""
            SELECT items.shard_id AS shard, items.line AS line FROM items
            WHERE items.stage = ? AND items.status = 'done' AND EXISTS (
                SELECT 1 FROM items AS newer WHERE newer.stage = items.stage AND newer.status = 'done'
                AND newer.record_id = items.record_id AND newer.shard_id > items.shard_id)
            """, [stage]).reduce(into: [:]) { result, row in
            result[row["shard"], default: []].insert(row["line"])
        }
    }

    /// The finished items stored in a shard, by line.
    public func items(inShard shardID: Int64) throws -> [ItemRow] {
        try readRows("SELECT cache_key, seq, record_id, status, reason, line FROM items WHERE shard_id = ? ORDER BY line",
                     [shardID]).map {
            ItemRow(cacheKey: $0["cache_key"], seq: $0["seq"], recordID: $0["record_id"],
                    rejected: ($0["status"] as String) == "rejected", reason: $0["reason"], line: $0["line"])
        }
    }

    /// Replaces shard `old` by `new` (nil: no line is left) holding `items`, and forgets every
    /// other item of `old`, in one transaction.
    public func replaceShard(_ old: Int64, with new: ShardInfo?, stage: String, role: ShardRole, runID: String, items: [ItemRow]) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM items WHERE shard_id = ?", arguments: [old])
            try db.execute(sql: "DELETE FROM shards WHERE id = ?", arguments: [old])
            if let new {
                try insertShard(db, new, stage: stage, role: role, runID: runID, items: items)
            }
        }
    }
}
