import Foundation
import Store
import Testing
import TestSupport

/// Releases published by real builds of the LongWriter recipe (on a stub OpenAI server): one per
/// build that changed the dataset, immutable, `latest` swapped atomically, checked by `verify`.
@Suite(.serialized) struct ReleaseCommandTests {
    /// What a trainer sees when it resolves `latest` once and reads that release: the number of
    /// records, after checking every file against `release.json`; nil when there is no release.
    static func readLatest(_ out: String) throws -> Int? {
        guard let target = FileSystem.symlinkTarget(out + "/latest") else { return nil }
        let folder = out + "/" + target
        let release = try JSONDecoder().decode(Release.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/release.json")))
        var records = 0
        for file in release.files {
            let path = folder + "/" + file.path
            guard try FileSystem.sha256(ofFile: path) == file.sha256 else { throw CocoaError(.fileReadCorruptFile) }
            try LineReader(path: path).forEach { _ in records += 1 }
        }
        #expect(records == release.records)
        return records
    }

    @Test func eachBuildThatChangesTheDatasetPublishesAnImmutableRelease() throws {
        let folder = TempFolder("release-cli")
        let recipe = try StubRecipe(folder: folder, topics: ["tea", "lighthouses", "bridges"])
        let first = try recipe.build()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("release "), "\(first.stdout)")
        #expect(try Self.readLatest(recipe.out) == 3)
        let manifest = try Manifest(directory: recipe.out)
        let r1 = try #require(try manifest.releases().first)
        #expect(FileSystem.symlinkTarget(recipe.out + "/latest") == "releases/\(r1.id)")

        let again = try recipe.build()
        #expect(again.status == 0)
        #expect(again.stdout.contains("dataset unchanged: latest stays release \(r1.id)"))
        #expect(try manifest.releases().count == 1)

        try recipe.setTopics(["tea", "lighthouses", "bridges", "glaciers"])
        #expect(try recipe.build().status == 0)
        let releases = try manifest.releases()
        #expect(releases.count == 2 && releases[0] == r1)
        #expect(try Self.readLatest(recipe.out) == 4)
        // The first release still holds exactly what it held.
        let description = try JSONDecoder().decode(Release.self, from: Data(contentsOf: URL(fileURLWithPath: recipe.out + "/releases/\(r1.id)/release.json")))
        #expect(description == r1 && description.records == 3)

        let status = try LWDataBinary.run(["status", "--out", recipe.out, "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((json["releases"] as? [Any])?.count == 2)
        #expect(json["latest"] as? String == releases[1].id)
        #expect(try LWDataBinary.run(["status", "--out", recipe.out]).stdout.contains("releases: 2; latest \(releases[1].id): 4 records"))

        let verify = try LWDataBinary.run(["verify", "--out", recipe.out])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("verified \(r1.files.count + releases[1].files.count) release file(s): all intact"))
        // Damage one release's copy (not the shared inode): verify names it and fails.
        let victim = recipe.out + "/releases/\(r1.id)/" + r1.files[0].path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: victim)))
        try FileManager.default.removeItem(atPath: victim)
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: victim))
        let damaged = try LWDataBinary.run(["verify", "--out", recipe.out])
        #expect(damaged.status == 1)
        #expect(damaged.stdout.contains("release altered: releases/\(r1.id)/\(r1.files[0].path)"))
    }

    @Test func killingBuildsAtRandomMomentsNeverLeavesAHalfRelease() throws {
        let folder = TempFolder("release-kill")
        var topics = ["tea", "lighthouses"]
        let recipe = try StubRecipe(folder: folder, topics: topics)
        #expect(try recipe.build(["--quiet"]).status == 0)
        // A trainer polling `latest` the whole time.
        let stop = ManagedAtomicFlag()
        let out = recipe.out
        let reader = Thread {
            while !stop.isSet {
                do { stop.record(try Self.readLatest(out)) } catch { stop.fail("\(error)") }
            }
        }
        reader.start()
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        for round in 0..<6 {
            topics.append("topic number \(round)")
            try recipe.setTopics(topics)
            let build = try LWDataBinary.start(["build", recipe.pipeline, "--out", recipe.out, "--quiet"])
            usleep(UInt32.random(in: 50_000...1_200_000, using: &rng))
            if build.isRunning { kill(build.processIdentifier, SIGKILL); kills += 1 }
            build.waitUntilExit()
            let latest = try Self.readLatest(recipe.out)
            #expect(latest != nil && latest! >= 2, "after round \(round)")
        }
        let final = try recipe.build(["--quiet"])
        stop.set()
        while !reader.isFinished { usleep(1000) }
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try Self.readLatest(recipe.out) == topics.count)
        #expect(stop.failures.isEmpty, "\(stop.failures)")
        #expect(stop.reads > 0)
        #expect(try LWDataBinary.run(["verify", "--out", recipe.out]).status == 0)
        print("killed \(kills) of 6 builds; the reader checked latest \(stop.reads) times")
    }
}

/// A stop flag and tallies shared with a reader thread.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private(set) var reads = 0
    private(set) var failures: [String] = []

    var isSet: Bool { lock.withLock { stopped } }
    func set() { lock.withLock { stopped = true } }
    func record(_ records: Int?) { lock.withLock { if records != nil { reads += 1 } } }
    func fail(_ message: String) { lock.withLock { failures.append(message) } }
}
