import Foundation
import GRDB

/// What `lwdata build --repair` changes in the manifest: damaged shards are forgotten with their
/// items, and items derived from them are cut out of the intact shards that hold them, so the
/// next run recomputes exactly those items.
extension Manifest {
    /// Finished items of a stage among `cacheKeys` (every output of each), grouped by shard id.
    public func itemsByShard(stage: String, cacheKeys: Set<String>) throws -> [Int64: [ItemRow]] {
        var result: [Int64: [ItemRow]] = [:]
        let keys = Array(cacheKeys)
        for start in stride(from: 0, to: keys.count, by: 500) {
            let batch = keys[start..<min(start + 500, keys.count)]
            let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
            let rows = try readRows("""
                SELECT shard_id, cache_key, seq, record_id, status, reason, line FROM items
                WHERE stage = ? AND cache_key IN (\(marks)) ORDER BY shard_id, line
                """, [stage] + batch.map { $0 as DatabaseValueConvertible })
            for row in rows {
                result[row["shard_id"], default: []].append(
                    ItemRow(cacheKey: row["cache_key"], seq: row["seq"], recordID: row["record_id"],
                            rejected: (row["status"] as String) == "rejected", reason: row["reason"], line: row["line"]))
            }
        }
        return result
    }

    /// Forgets a shard and every item it holds, then removes its file (if any is left).
    public func forgetShard(_ shard: ShardRow) throws {
        try replaceShard(shard.id, with: nil, stage: shard.stage, role: shard.role, runID: shard.runID, items: [])
        try? FileManager.default.removeItem(atPath: absolutePath(shard.path))
    }

    /// Rewrites an intact shard without the given lines (0-based) and forgets their items. The new
    /// file, `<run>-repaired-<old id>.jsonl.zst` beside the old one, is on disk before the manifest
    /// switches to it; the old file is removed after.
    public func rewriteShard(_ shard: ShardRow, dropping lines: Set<Int>, runID: String, level: Int32) throws {
        let items = try items(inShard: shard.id)
        let kept = items.filter { !lines.contains($0.line) }
        guard !kept.isEmpty else { return try forgetShard(shard) }
        let folder = FileSystem.parent(of: absolutePath(shard.path))
        let writer = try ShardWriter(path: "\(folder)/\(runID)-repaired-\(shard.id).jsonl.zst", level: level)
        let renumbered = try writer.append(linesOf: absolutePath(shard.path), holding: kept)
        try replaceShard(shard.id, with: try writer.finish(), stage: shard.stage, role: shard.role, runID: runID, items: renumbered)
        try? FileManager.default.removeItem(atPath: absolutePath(shard.path))
    }
}
