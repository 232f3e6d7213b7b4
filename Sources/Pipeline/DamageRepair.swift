import Digest
import Store

/// What `lwdata build --repair` found and dropped before the run recomputed it.
public struct RepairReport: Sendable {
    /// The missing, truncated or altered shards, as `lwdata verify` names them.
    public var damaged: [ShardProblem] = []
    /// Items dropped per stage, in pipeline order: those of the damaged shards and those later
    /// stages derived from their records.
    public var droppedItems: [(stage: String, count: Int)] = []
    /// Intact shards rewritten without the derived items they held.
    public var rewrittenShards = 0

    public var totalDropped: Int { droppedItems.reduce(0) { $0 + $1.count } }

    /// What to tell the user, one line each.
    public var summaryLines: [String] {
        guard !damaged.isEmpty else { return ["repair: every registered shard is intact; nothing to repair"] }
        return damaged.map { "repair: \($0.kind.rawValue): \($0.path): \($0.detail)" } + [
            "repair: dropped \(totalDropped) item(s) (" + droppedItems.map { "\($0.stage) \($0.count)" }.joined(separator: ", ")
                + "), rewrote \(rewrittenShards) intact shard(s) without derived items; this run recomputes them",
        ]
    }
}

/// Makes a build recompute exactly what damaged shards held: their items are forgotten, and so is
/// every item a later stage derived from their records (found through the chained cache keys),
/// because a recomputed record may differ and what was built on it must follow.
enum DamageRepair {
    /// `keys` are the pipeline's stage names and chained config hashes, in order.
    static func repair(manifest: Manifest, keys: CacheKeys, runID: String, level: Int32) throws -> RepairReport {
        let stages = keys.stageNames
        var report = RepairReport()
        report.damaged = try ShardVerifier.verify(manifest).problems.filter { $0.kind != .unregistered }
        guard !report.damaged.isEmpty else { return report }
        let shards = Dictionary(try manifest.shards().map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var dropped: [String: Set<String>] = [:]
        var lostRecords: [String: Set<String>] = [:]
        func lose(_ items: [ItemRow], stage: String) {
            dropped[stage, default: []].formUnion(items.map(\.cacheKey))
            lostRecords[stage, default: []].formUnion(items.filter { !$0.rejected }.map(\.recordID))
        }
        for problem in report.damaged {
            guard let shard = shards[problem.path] else { continue }
            lose(try manifest.items(inShard: shard.id), stage: shard.stage)
            try manifest.forgetShard(shard)
        }
        for (i, stage) in stages.enumerated().dropFirst() {
            guard let upstream = lostRecords[stages[i - 1]], !upstream.isEmpty else { continue }
            let derived = Set(upstream.map { keys.stage(i).key($0) })
            for (shardID, items) in try manifest.itemsByShard(stage: stage, cacheKeys: derived).sorted(by: { $0.key < $1.key }) {
                guard let shard = try manifest.shards(stage: stage).first(where: { $0.id == shardID }) else { continue }
                lose(items, stage: stage)
                try manifest.rewriteShard(shard, dropping: Set(items.map(\.line)), runID: runID, level: level)
                report.rewrittenShards += 1
            }
        }
        let order = stages + dropped.keys.filter { !stages.contains($0) }.sorted()
        report.droppedItems = order.compactMap { stage in dropped[stage].map { (stage, $0.count) } }
        return report
    }
}
