import Foundation
import TestSupport
import GRDB
import Testing
@testable import Store

@Suite struct ManifestTests {
    @Test func commitShardRegistersItemsAtomically() throws {
        let folder = TempFolder("manifest")
        let manifest = try Manifest(directory: folder.path)
        try manifest.beginRun(id: "r1", pipeline: "p", pipelineHash: "h")
        let writer = try ShardWriter(path: folder.file("shards/s/r1-00000.jsonl.zst"))
        try writer.append(line: Array(#"{"id":"x"}"#.utf8))
        let info = try writer.finish()
        try manifest.commitShard(info, stage: "s", role: .data, runID: "r1",
                                 items: [ItemRow(cacheKey: "k1", seq: 0, recordID: "x", rejected: false, reason: nil, line: 0)])
        let cached = try manifest.cachedItem(stage: "s", cacheKey: "k1")
        #expect(cached == [CachedItem(seq: 0, recordID: "x", rejected: false, shardPath: "shards/s/r1-00000.jsonl.zst", line: 0)])
        #expect(try manifest.cachedItem(stage: "s", cacheKey: "other").isEmpty)
        #expect(try manifest.shards().first?.sha256 == info.sha256)

        // A failing transaction registers neither the shard nor its items.
        #expect(throws: StoreError.self) {
            try manifest.commitShard(info, stage: "s", role: .data, runID: "r1",
                                     items: [ItemRow(cacheKey: "k2", seq: 0, recordID: "y", rejected: false, reason: nil, line: 0)])
        }
        #expect(try manifest.cachedItem(stage: "s", cacheKey: "k2").isEmpty)
        #expect(try manifest.shards().count == 1)
    }

    @Test func rejectCountsByReason() throws {
        let folder = TempFolder("rejects")
        let manifest = try Manifest(directory: folder.path)
        try manifest.beginRun(id: "r", pipeline: "p", pipelineHash: "h")
        let writer = try ShardWriter(path: folder.file("rejects/s/r-00000.jsonl.zst"))
        let reasons = ["duplicate", "invalid_json", "duplicate"]
        for _ in reasons { try writer.append(line: Array("{}".utf8)) }
        let rows = reasons.enumerated().map { ItemRow(cacheKey: "k\($0)", seq: 0, recordID: "r\($0)", rejected: true, reason: $1, line: $0) }
        try manifest.commitShard(try writer.finish(), stage: "s", role: .reject, runID: "r", items: rows)
        let counts = try manifest.rejectCounts()
        #expect(counts.map(\.reason) == ["duplicate", "invalid_json"])
        #expect(counts.map(\.count) == [2, 1])
    }

    @Test func migratesAnOlderManifestKeepingItsData() throws {
        let folder = TempFolder("migrate")
        let path = folder.file("manifest.sqlite")
        // A manifest written by the first version: only the first migration applied.
        let pool = try DatabasePool(path: path)
        try ManifestSchema.migrator().migrate(pool, upTo: "v1-runs-shards-items")
        try pool.write { db in
            try db.execute(sql: "INSERT INTO runs (id, pipeline, pipeline_hash, started_at, status) VALUES ('old', 'mine', 'h', 1, 'succeeded')")
        }
        try pool.close()
        let manifest = try Manifest(directory: folder.path)
        #expect(try manifest.appliedMigrations() == ["v1-runs-shards-items", "v2-usage-accounting", "v3-releases", "v4-usage-cost"])
        #expect(try manifest.runs().map(\.id) == ["old"])
        try manifest.addUsage(runID: "old", UsageRow(stage: "plan", backend: "builtin", calls: 2, tokensIn: 10, tokensOut: 20))
        try manifest.addUsage(runID: "old", UsageRow(stage: "plan", backend: "builtin", calls: 1, retries: 1, tokensIn: 5, tokensOut: 5))
        #expect(try manifest.usage() == [UsageRow(stage: "plan", backend: "builtin", calls: 3, retries: 1, tokensIn: 15, tokensOut: 25)])
    }

    @Test func secondLockOnTheSameFolderIsRefused() throws {
        let folder = TempFolder("lock")
        let first = try OutputLock(directory: folder.path, owner: "test one")
        #expect(throws: StoreError.self) { _ = try OutputLock(directory: folder.path, owner: "test two") }
        do { _ = try OutputLock(directory: folder.path, owner: "two") } catch {
            #expect("\(error)".contains("test one"))
        }
        first.release()
        _ = try OutputLock(directory: folder.path, owner: "three")
    }

    @Test func verifyFindsMissingTruncatedAndAlteredShards() throws {
        let folder = TempFolder("verify")
        let manifest = try Manifest(directory: folder.path)
        try manifest.beginRun(id: "r", pipeline: "p", pipelineHash: "h")
        var paths: [String] = []
        for i in 0..<4 {
            let path = folder.file("shards/s/r-0000\(i).jsonl.zst")
            let writer = try ShardWriter(path: path)
            for j in 0..<100 { try writer.append(line: Array(#"{"id":"\#(i)-\#(j)"}"#.utf8)) }
            try manifest.commitShard(try writer.finish(), stage: "s", role: .data, runID: "r",
                                     items: [ItemRow(cacheKey: "k\(i)", seq: 0, recordID: "\(i)", rejected: false, reason: nil, line: 0)])
            paths.append(path)
        }
        #expect(try ShardVerifier.verify(manifest).problems.isEmpty)
        try FileManager.default.removeItem(atPath: paths[0])
        let data = try Data(contentsOf: URL(fileURLWithPath: paths[1]))
        FileManager.default.createFile(atPath: paths[1], contents: data.prefix(data.count - 5))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: paths[2])))
        bytes[bytes.count / 2] ^= 1
        FileManager.default.createFile(atPath: paths[2], contents: Data(bytes))
        let problems = try ShardVerifier.verify(manifest).problems
        #expect(problems.map(\.kind) == [.missing, .truncated, .altered])
        #expect(problems.map(\.path) == ["shards/s/r-00000.jsonl.zst", "shards/s/r-00001.jsonl.zst", "shards/s/r-00002.jsonl.zst"])
    }
}
