import Foundation
import Store

/// What dedup-filter decided in an output folder, for comparing a merge of parts with one build.
enum DedupDecisions {
    /// Records kept by dedup-filter.
    static func kept(in out: String) throws -> Int {
        try Manifest(directory: out).itemCounts().first { $0.stage == "dedup-filter" }?.done ?? 0
    }

    /// Every dedup-filter reject as "id reason duplicate_of cluster", sorted.
    static func decisions(_ out: String) throws -> [String] {
        let manifest = try Manifest(directory: out)
        var lines: [String] = []
        for shard in try manifest.shards(stage: "dedup-filter", role: .reject) {
            try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                let object = try JSONSerialization.jsonObject(with: Data(line ?? [])) as? [String: Any] ?? [:]
                lines.append(["id", "reason", "duplicate_of", "cluster"].map { "\(object[$0] ?? "-")" }.joined(separator: " "))
            }
        }
        return lines.sorted()
    }
}
