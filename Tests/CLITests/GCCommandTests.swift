import Foundation
import Store
import Testing
import TestSupport

/// `lwdata gc` on releases published by real builds (LongWriter recipe on a stub server).
@Suite(.serialized) struct GCCommandTests {
    @Test func keepsTheNewestReleasesAndLatestAndRemovesWhatNothingRefersTo() throws {
        let folder = TempFolder("gc")
        var topics = ["tea", "lighthouses"]
        let recipe = try StubRecipe(folder: folder, topics: topics)
        #expect(try recipe.build(["--quiet"]).status == 0)
        for topic in ["glaciers", "bridges", "printing presses"] {
            topics.append(topic)
            try recipe.setTopics(topics)
            #expect(try recipe.build(["--quiet"]).status == 0)
        }
        let manifest = try Manifest(directory: recipe.out)
        let ids = try manifest.releases().map(\.id)
        #expect(ids.count == 4)
        // Left by killed builds: a half-published release and an unregistered shard.
        try FileSystem.makeDirectories(recipe.out + "/releases/20990101T000000Z-00000000.partial/export")
        let orphan = recipe.out + "/dataset/export/20990101T000000Z-00000000-00000.jsonl.zst"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: orphan))

        let gc = try LWDataBinary.run(["gc", "--out", recipe.out, "--keep", "2"])
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(gc.stdout.contains("removed 2 release(s): \(ids[0]), \(ids[1])"), "\(gc.stdout)")
        #expect(gc.stdout.contains("kept 2 release(s): \(ids[2]), \(ids[3])"))
        #expect(gc.stdout.contains("removed 1 unfinished publish folder(s)"))
        // Listed by name: two builds in the same second have ids that sort by their random suffix.
        #expect(FileSystem.entries(of: recipe.out + "/releases").sorted() == [ids[2], ids[3]].sorted())
        #expect(try manifest.releases().map(\.id) == [ids[2], ids[3]])
        #expect(!FileManager.default.fileExists(atPath: orphan))
        #expect(try ReleaseCommandTests.readLatest(recipe.out) == 5)
        #expect(try LWDataBinary.run(["verify", "--out", recipe.out]).status == 0)

        // keep 0 still keeps latest; nothing left to remove afterwards.
        let zero = try LWDataBinary.run(["gc", "--out", recipe.out, "--keep", "0"])
        #expect(zero.stdout.contains("removed 1 release(s): \(ids[2])") && zero.stdout.contains("kept 1 release(s): \(ids[3])"))
        let again = try LWDataBinary.run(["gc", "--out", recipe.out, "--keep", "0"])
        #expect(again.stdout.contains("removed 0 release(s), freed 0 B"))
        #expect(try ReleaseCommandTests.readLatest(recipe.out) == 5)
        // The dataset itself is untouched: a build reuses every item and publishes nothing new.
        let rebuild = try recipe.build()
        #expect(rebuild.stdout.contains("dataset unchanged: latest stays release \(ids[3])"), "\(rebuild.stdout)")
    }
}
