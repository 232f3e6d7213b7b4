import Foundation
import Store
import Testing
import TestSupport

/// Releases on real files and a real manifest: publish, immutability, crash points, gc, verify.
@Suite struct ReleaseTests {
    struct Crash: Error {}

    /// An output folder whose manifest registers dataset shards, as the export stage leaves it.
    final class Output {
        let folder = TempFolder("release")
        let manifest: Manifest
        var shardCount = 0
        var layout: ReleaseLayout { ReleaseLayout(directory: folder.path) }

        init() throws {
            manifest = try Manifest(directory: folder.path)
            try manifest.beginRun(id: "run", pipeline: "p", pipelineHash: "h")
        }

        /// Writes and registers a dataset shard of `records` records; returns its relative path.
        @discardableResult
        func addShard(records: Int, stage: String = "export") throws -> String {
            let path = folder.file("dataset/\(stage)/run-\(String(format: "%05d", shardCount)).jsonl.zst")
            let writer = try ShardWriter(path: path)
            var items: [ItemRow] = []
            for i in 0..<records {
                try writer.append(line: Array(#"{"id":"\#(shardCount)-\#(i)","messages":[]}"#.utf8))
                items.append(ItemRow(cacheKey: "k\(shardCount)-\(i)", seq: 0, recordID: "\(shardCount)-\(i)", rejected: false, reason: nil, line: i))
            }
            try manifest.commitShard(try writer.finish(), stage: stage, role: .data, runID: "run", items: items)
            shardCount += 1
            return "dataset/\(stage)/" + URL(fileURLWithPath: path).lastPathComponent
        }

        func publish(_ id: String, checkpoint: (PublishStep) throws -> Void = { _ in }) throws -> PublishOutcome {
            try ReleasePublisher.publish(manifest: manifest, id: id, runID: "run", checkpoint: checkpoint)
        }

        /// The records a reader following `latest` sees, read through the symlink.
        func latestRecords() throws -> Int {
            let data = try Data(contentsOf: URL(fileURLWithPath: layout.latestLink + "/release.json"))
            let release = try JSONDecoder().decode(Release.self, from: data)
            var lines = 0
            for file in release.files {
                let path = layout.latestLink + "/" + file.path
                #expect(try FileSystem.sha256(ofFile: path) == file.sha256)
                try LineReader(path: path).forEach { _ in lines += 1 }
            }
            return lines
        }
    }

    @Test func publishesHardLinkedSnapshotsAndSkipsAnUnchangedDataset() throws {
        let out = try Output()
        #expect(try out.publish("r1") == .noDataset)
        let first = try out.addShard(records: 3)
        guard case .published(let r1) = try out.publish("r1") else { Issue.record("no release"); return }
        #expect(r1.records == 3 && r1.files.map(\.path) == ["export/run-00000.jsonl.zst"])
        #expect(out.layout.latestID() == "r1")
        #expect(FileSystem.symlinkTarget(out.layout.latestLink) == "releases/r1")
        #expect(try out.latestRecords() == 3)
        var source = stat(), linked = stat()
        stat(out.manifest.absolutePath(first), &source)
        stat(out.layout.folder(of: "r1") + "/export/run-00000.jsonl.zst", &linked)
        #expect(source.st_ino == linked.st_ino, "a hard link, not a copy")

        #expect(try out.publish("r2") == .unchanged(r1), "nothing changed: no new release")
        try out.addShard(records: 2)
        guard case .published(let r2) = try out.publish("r2") else { Issue.record("no release"); return }
        #expect(r2.records == 5 && out.layout.latestID() == "r2")
        #expect(try out.manifest.releases().map(\.id) == ["r1", "r2"])

        // The dataset shard goes away (compaction replaces it); the releases holding it do not change.
        try FileManager.default.removeItem(atPath: out.manifest.absolutePath(first))
        let (checked, problems) = try ReleaseVerifier.verify(out.manifest)
        #expect(checked == 3 && problems.isEmpty)
        // Publishing refuses a dataset whose registered shard is gone.
        try out.addShard(records: 1)
        #expect(throws: ReleaseError.shardChanged(path: first, registeredBytes: r1.files[0].bytes, bytesOnDisk: nil)) {
            _ = try out.publish("r3")
        }
    }

    @Test func aPublishStoppedAtAnyStepLeavesThePreviousLatestWhole() throws {
        for step in PublishStep.allCases {
            let out = try Output()
            try out.addShard(records: 4)
            _ = try out.publish("r1")
            try out.addShard(records: 6)
            #expect(throws: Crash.self) { _ = try out.publish("r2") { if $0 == step { throw Crash() } } }
            // A reader of `latest` still sees the whole previous release.
            #expect(out.layout.latestID() == "r1", "after \(step)")
            #expect(try out.latestRecords() == 4)
            let problems = try ReleaseVerifier.verify(out.manifest).problems
            #expect(problems.allSatisfy { !$0.isSerious }, "after \(step): \(problems)")
            // The next publish (or gc) puts things right and ends on the new dataset.
            let next = try out.publish("r3")
            let expected = step == .registered ? "r2" : "r3"
            #expect(out.layout.latestID() == expected, "after \(step)")
            if step == .registered { #expect(next == .unchanged(try out.manifest.releases().last!)) }
            #expect(try out.latestRecords() == 10)
            #expect(FileSystem.entries(of: out.layout.releasesFolder) == ["r1", expected])
            #expect(try ReleaseVerifier.verify(out.manifest).problems.isEmpty)
        }
    }

    @Test func gcKeepsTheNewestAndLatestAndFreesOnlyUnsharedFiles() throws {
        let out = try Output()
        var ids: [String] = []
        for i in 1...4 {
            try out.addShard(records: 10 * i)
            ids.append("r\(i)")
            _ = try out.publish("r\(i)")
        }
        // A folder left by an interrupted publish.
        try FileSystem.makeDirectories(out.layout.folder(of: "r5.partial") + "/export")
        func descriptionBytes(_ ids: String...) -> Int {
            ids.reduce(0) { $0 + (FileSystem.fileSize(out.layout.description(of: $1)) ?? 0) }
        }
        let unsharedBytes = descriptionBytes("r1", "r2")
        let collection = try ReleaseCollector.collect(manifest: out.manifest, keep: 2)
        #expect(collection.removed == ["r1", "r2"])
        #expect(collection.kept == ["r3", "r4"])
        #expect(collection.swept == ["r5.partial"])
        // Every shard of r1 and r2 is still in dataset/ and in r3/r4: only their release.json goes.
        #expect(collection.freedBytes == unsharedBytes)
        #expect(FileSystem.entries(of: out.layout.releasesFolder) == ["r3", "r4"])
        #expect(try out.manifest.releases().map(\.id) == ["r3", "r4"])
        #expect(try out.latestRecords() == 100)

        // Shards no longer in the dataset are freed once no kept release links them.
        for shard in try out.manifest.shards() { try FileManager.default.removeItem(atPath: out.manifest.absolutePath(shard.path)) }
        let r3Description = descriptionBytes("r3")
        let last = try ReleaseCollector.collect(manifest: out.manifest, keep: 0)
        #expect(last.removed == ["r3"] && last.kept == ["r4"], "latest is always kept")
        #expect(last.freedBytes == r3Description, "r3's shards are all linked from r4")
        let final = try ReleaseCollector.collect(manifest: out.manifest, keep: 0)
        #expect(final.removed.isEmpty && final.kept == ["r4"])
        #expect(try ReleaseVerifier.verify(out.manifest).problems.isEmpty)
    }

    @Test func verifyFindsAlteredMissingAndMisdescribedReleaseFiles() throws {
        let out = try Output()
        try out.addShard(records: 5)
        try out.addShard(records: 5, stage: "export-b")
        _ = try out.publish("r1")
        let release = try #require(try out.manifest.releases().first)
        let folder = out.layout.folder(of: "r1")
        // Break the link first so the dataset shard itself stays intact.
        let victim = folder + "/" + release.files[0].path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: victim)))
        try FileManager.default.removeItem(atPath: victim)
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.removeItem(atPath: folder + "/" + release.files[1].path)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: folder + "/release.json"))
        let problems = try ReleaseVerifier.verify(out.manifest).problems
        #expect(problems.map(\.kind) == [.description, .altered, .missing])
        #expect(problems.allSatisfy { $0.isSerious })
        #expect(problems[1].path == "releases/r1/" + release.files[0].path)
    }
}
