import Foundation
import Store
import TestSupport
import Testing

/// `lwdata verify` names a damaged shard; `lwdata build --repair` recomputes exactly its items.
@Suite(.serialized) struct RepairTests {
    @Test func aDeletedAndACorruptedShardAreNamedAndExactlyTheirItemsRecomputed() throws {
        let folder = TempFolder("repair-mine")
        let pipeline = try writeLargeInput(in: folder, lines: 3000, shardRecords: 300)
        let out = folder.file("out")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", out, "--quiet"]).status == 0)
        let expectedData = try registeredLines(out, .data), expectedRejects = try registeredLines(out, .reject)

        let manifest = try Manifest(directory: out)
        let deleted = try #require(try manifest.shards(role: .data).dropFirst(2).first)
        let corrupted = try #require(try manifest.shards(role: .reject).first)
        let affected = try manifest.items(inShard: deleted.id).count + (try manifest.items(inShard: corrupted.id).count)
        try FileManager.default.removeItem(atPath: manifest.absolutePath(deleted.path))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: manifest.absolutePath(corrupted.path))))
        bytes[bytes.count / 2] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: manifest.absolutePath(corrupted.path)))

        let verify = try LWDataBinary.run(["verify", "--out", out])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("missing: \(deleted.path)"))
        #expect(verify.stdout.contains("altered: \(corrupted.path)"))
        #expect(verify.stdout.contains("2 problem(s)"))

        let repair = try LWDataBinary.run(["build", pipeline, "--out", out, "--repair"])
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(repair.stdout.contains("repair: missing: \(deleted.path)"))
        #expect(repair.stdout.contains("repair: altered: \(corrupted.path)"))
        #expect(repair.stdout.contains("repair: dropped \(affected) item(s) (mine \(affected))"), "\(repair.stdout)")
        #expect(repair.stdout.contains("mine             computed \(affected), reused \(3000 - affected),"), "\(repair.stdout)")
        #expect(try registeredLines(out, .data) == expectedData)
        #expect(try registeredLines(out, .reject) == expectedRejects)
        #expect(try LWDataBinary.run(["verify", "--out", out]).status == 0)

        let again = try LWDataBinary.run(["build", pipeline, "--out", out, "--repair"])
        #expect(again.stdout.contains("repair: every registered shard is intact; nothing to repair"))
        #expect(again.stdout.contains("computed 0,"))
    }

    @Test func itemsDerivedFromALostShardAreRecomputedToo() throws {
        let folder = TempFolder("repair-stages")
        let pipeline = try writeExplicitLengthPipeline(in: folder, queries: 200, shardRecords: 30)
        let out = folder.file("out")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", out, "--quiet"]).status == 0)
        let expectedData = try registeredLines(out, .data), expectedRejects = try registeredLines(out, .reject)

        // Lose one shard of queries: the length predictions made from them must be redone as well.
        let manifest = try Manifest(directory: out)
        let lost = try #require(try manifest.shards(stage: "mine", role: .data).dropFirst().first)
        let lostIDs = Set(try manifest.items(inShard: lost.id).map(\.recordID))
        let derived = try manifest.shards(stage: "predict-length").flatMap { try manifest.items(inShard: $0.id) }
            .filter { lostIDs.contains($0.recordID) }.count
        #expect(derived == lostIDs.count, "predict-length keeps the query's id")
        try FileManager.default.removeItem(atPath: manifest.absolutePath(lost.path))

        let repair = try LWDataBinary.run(["build", pipeline, "--out", out, "--repair"])
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(repair.stdout.contains("repair: dropped \(lostIDs.count + derived) item(s) (mine \(lostIDs.count), predict-length \(derived))"),
                "\(repair.stdout)")
        #expect(repair.stdout.contains("mine             computed \(lostIDs.count),"))
        #expect(repair.stdout.contains("predict-length   computed \(derived),"), "\(repair.stdout)")
        #expect(try registeredLines(out, .data) == expectedData, "no stale copy of a derived record is left")
        #expect(try registeredLines(out, .reject) == expectedRejects)
        #expect(try LWDataBinary.run(["verify", "--out", out]).status == 0)
    }
}
