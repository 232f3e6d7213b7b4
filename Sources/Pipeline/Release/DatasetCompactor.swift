import Foundation
import Store

/// After a successful build, rewrites the shards of a dataset stage that hold records replaced
/// by a newer version (a changed prompt re-ran the recipe), so `dataset/` holds exactly one
/// version of every record. The new shard is on disk before the manifest switches to it; the
/// old file is removed after (a crash in between leaves an unregistered file the next build
/// sweeps away).
enum DatasetCompactor {
    /// Returns how many superseded records were dropped.
    static func compact(stage: String, folder: String, manifest: Manifest, runID: String, level: Int32) throws -> Int {
        let superseded = try manifest.supersededLines(stage: stage)
        guard !superseded.isEmpty else { return 0 }
        let shards = Dictionary(uniqueKeysWithValues: try manifest.shards(stage: stage, role: .data).map { ($0.id, $0) })
        var dropped = 0
        for (shardID, staleLines) in superseded.sorted(by: { $0.key < $1.key }) {
            guard let shard = shards[shardID] else { continue }
            let items = try manifest.items(inShard: shardID)
            let keptItems = items.filter { !staleLines.contains($0.line) }
            var info: ShardInfo?
            var renumbered: [ItemRow] = []
            if !keptItems.isEmpty {
                let keep = Set(keptItems.map(\.line))
                let writer = try ShardWriter(path: "\(manifest.directory)/\(folder)/\(stage)/\(runID)-compacted-\(shardID).jsonl.zst", level: level)
                var line = 0
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { bytes in
                    defer { line += 1 }
                    guard keep.contains(line), let bytes else { return }
                    var item = keptItems.first { $0.line == line }!
                    item.line = writer.records
                    renumbered.append(item)
                    try writer.append(line: bytes)
                }
                info = try writer.finish()
            }
            try manifest.replaceShard(shardID, with: info, stage: stage, role: .data, runID: runID, items: renumbered)
            try? FileManager.default.removeItem(atPath: manifest.absolutePath(shard.path))
            dropped += staleLines.count
        }
        return dropped
    }
}
