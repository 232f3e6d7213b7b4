import Foundation
import Store
import TestSupport
import Testing

/// `lwdata merge`: the parts of a build combine into one folder equal to a single full build.
@Suite(.serialized) struct MergeTests {
    @Test func threePartsOfTheSampleMergeIntoTheFullBuild() throws {
        let folder = TempFolder("merge-sample")
        let pipeline = Repository.path("pipelines/mine.yaml")
        let full = folder.file("full")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", full, "--quiet"]).status == 0)
        let parts = try Self.buildParts(of: pipeline, in: folder)
        let merged = folder.file("merged")
        let merge = try LWDataBinary.run(["merge"] + parts + ["--out", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("0 duplicate item(s) left out"))
        #expect(merge.stdout.contains("mine             334 done, 6 rejected"), "\(merge.stdout)")
        #expect(merge.stdout.contains("all intact"))

        let data = try registeredLines(merged, .data), rejects = try registeredLines(merged, .reject)
        #expect(data.count == 334 && Set(data).count == data.count, "no record twice")
        #expect(data == (try registeredLines(full, .data)), "same records as one full build, none lost")
        #expect(rejects == (try registeredLines(full, .reject)))
        #expect(try LWDataBinary.run(["verify", "--out", merged]).status == 0)
        // The merged folder is a complete build: building into it again computes nothing.
        let resumed = try LWDataBinary.run(["build", pipeline, "--out", merged])
        #expect(resumed.status == 0)
        #expect(resumed.stdout.contains("computed 0, reused 340"), "\(resumed.stdout)")
        // Every part's runs are kept, and the merge is a run of its own.
        let runs = try Manifest(directory: merged).runs()
        #expect(runs.count == 5)
        #expect(runs.filter { $0.message?.hasPrefix("merged 3 folder(s)") == true }.count == 1)
    }

    @Test func theSlurmArrayExampleBuildsPartsThatMergeIntoTheFullBuild() throws {
        let folder = TempFolder("merge-slurm")
        let pipeline = Repository.path("pipelines/mine.yaml")
        let root = folder.file("run")
        // Three array tasks as Slurm starts them (ids 4, 5, 6: the script counts from the first).
        for id in 4...6 {
            let task = Process()
            task.executableURL = URL(fileURLWithPath: "/bin/bash")
            task.arguments = [Repository.path("examples/slurm-array.sh"), pipeline, root]
            task.environment = ProcessInfo.processInfo.environment.merging([
                "LWDATA": LWDataBinary.path, "SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "4",
                "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_COUNT": "3",
            ]) { $1 }
            try task.run()
            task.waitUntilExit()
            #expect(task.terminationStatus == 0)
        }
        let parts = (1...3).map { "\(root)/part-\($0)-of-3" }
        let merged = folder.file("merged")
        #expect(try LWDataBinary.run(["merge"] + parts + ["--out", merged]).status == 0)
        let full = folder.file("full")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", full, "--quiet"]).status == 0)
        #expect(try registeredLines(merged, .data) == (try registeredLines(full, .data)))
        #expect(try registeredLines(merged, .reject) == (try registeredLines(full, .reject)))
    }

    @Test func partsOfATwoStagePipelineMergeIntoTheFullBuild() throws {
        let folder = TempFolder("merge-stages")
        let pipeline = try writeExplicitLengthPipeline(in: folder, queries: 200)
        let full = folder.file("full")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", full, "--quiet"]).status == 0)
        let parts = try Self.buildParts(of: pipeline, in: folder)
        let merged = folder.file("merged")
        #expect(try LWDataBinary.run(["merge"] + parts.reversed() + ["--out", merged]).status == 0)
        #expect(try registeredLines(merged, .data) == (try registeredLines(full, .data)))
        #expect(try registeredLines(merged, .reject) == (try registeredLines(full, .reject)))
        #expect(try itemsPerStage(merged) == (try itemsPerStage(full)))
        let resumed = try LWDataBinary.run(["build", pipeline, "--out", merged])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.components(separatedBy: "computed 0,").count == 3,
                "no stage computes anything: \(resumed.stdout)")
    }

    @Test func overlappingFoldersKeepEachItemOnce() throws {
        let folder = TempFolder("merge-overlap")
        let pipeline = Repository.path("pipelines/mine.yaml")
        let a = folder.file("a"), b = folder.file("b")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", a, "--quiet"]).status == 0)
        #expect(try LWDataBinary.run(["build", pipeline, "--out", b, "--quiet"]).status == 0)
        let merged = folder.file("merged")
        let merge = try LWDataBinary.run(["merge", a, b, "--out", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("340 duplicate item(s) left out"), "\(merge.stdout)")
        #expect(try registeredLines(merged, .data) == (try registeredLines(a, .data)))
        #expect(try registeredLines(merged, .reject) == (try registeredLines(a, .reject)))

        // A folder whose shard holds items met before and new ones: the shard is rewritten with the new ones only.
        let queries = (0..<150).map { "Write an essay about subject \($0) and why it matters." }
        for (name, count) in [("small", 100), ("large", 150)] {
            try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true)
            try (queries.prefix(count).joined(separator: "\n") + "\n").write(toFile: folder.file("\(name)/queries.txt"), atomically: true, encoding: .utf8)
            try "name: essays\ninputs: [queries.txt]\nstages:\n  - name: mine\n".write(toFile: folder.file("\(name)/p.yaml"), atomically: true, encoding: .utf8)
            #expect(try LWDataBinary.run(["build", folder.file("\(name)/p.yaml"), "--out", folder.file("\(name)/out"), "--quiet"]).status == 0)
        }
        let partial = folder.file("partial")
        let merge2 = try LWDataBinary.run(["merge", folder.file("small/out"), folder.file("large/out"), "--out", partial])
        #expect(merge2.status == 0, "\(merge2.stderr)")
        #expect(merge2.stdout.contains("1 shard(s) linked, 0 copied, 1 rewritten, 0 left out; 100 duplicate item(s) left out"), "\(merge2.stdout)")
        #expect(try registeredLines(partial, .data) == (try registeredLines(folder.file("large/out"), .data)))
        #expect(try LWDataBinary.run(["verify", "--out", partial]).status == 0)
    }

    @Test func refusesWhatWouldLoseOrMixItems() throws {
        let folder = TempFolder("merge-refuse")
        let pipeline = Repository.path("pipelines/mine.yaml")
        let parts = try Self.buildParts(of: pipeline, in: folder)
        func refused(_ arguments: [String], _ message: String) throws {
            let out = folder.file("out-\(UUID().uuidString.prefix(6))")
            let result = try LWDataBinary.run(["merge"] + arguments + ["--out", out])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + "/manifest.sqlite"), "a refused merge writes nothing")
        }
        try refused([parts[0], parts[1]], "part(s) 3/3 missing")
        try refused([parts[0], parts[1], parts[1] + "/", parts[2]], "is given twice")
        let twin = folder.file("part-2-twin")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", twin, "--part", "2/3", "--quiet"]).status == 0)
        try refused([parts[0], parts[1], twin, parts[2]], "both hold part 2/3")

        // Another configuration of the stages: the hashes differ.
        let other = folder.file("other.yaml")
        try String(contentsOfFile: pipeline, encoding: .utf8).replacingOccurrences(of: "min_chars: 2", with: "min_chars: 3")
            .replacingOccurrences(of: "../data/", with: Repository.path("data") + "/")
            .write(toFile: other, atomically: true, encoding: .utf8)
        let otherPart = folder.file("other-3")
        #expect(try LWDataBinary.run(["build", other, "--out", otherPart, "--part", "3/3", "--quiet"]).status == 0)
        try refused([parts[0], parts[1], otherPart], "was built with another pipeline")

        // A damaged part.
        let manifest = try Manifest(directory: parts[2])
        try FileManager.default.removeItem(atPath: manifest.absolutePath(try #require(try manifest.shards(role: .data).first).path))
        try refused(parts, "1 damaged shard(s): missing shards/mine/")

        // Not into a folder that holds a build, nor into one of the inputs.
        try refused([parts[0], parts[1], folder.file("nothing")], "nothing: no manifest.sqlite here")
        let intoInput = try LWDataBinary.run(["merge", parts[0], parts[1], "--out", parts[0]])
        #expect(intoInput.status == 2 && intoInput.stderr.contains("is one of the folders to merge"))
    }

    /// Builds parts 1/3, 2/3 and 3/3 of `pipeline` into `part-1` … `part-3` of `folder`.
    static func buildParts(of pipeline: String, in folder: TempFolder) throws -> [String] {
        let parts = (1...3).map { folder.file("part-\($0)") }
        for (i, part) in parts.enumerated() {
            #expect(try LWDataBinary.run(["build", pipeline, "--out", part, "--part", "\(i + 1)/3", "--quiet"]).status == 0)
        }
        return parts
    }
}
