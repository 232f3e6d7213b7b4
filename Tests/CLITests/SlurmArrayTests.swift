import Foundation
import Store
import TestSupport
import Testing

/// `examples/slurm-array.sh` on a real Slurm cluster (slurmctld + slurmd on loopback): an array of
/// parts, a merge job that waits for it, and a task cancelled mid-run that resumes when resubmitted.
@Suite(.serialized, .enabled(if: SlurmCluster.unavailableReason == nil, Comment(rawValue: SlurmCluster.unavailableReason ?? "")))
struct SlurmArrayTests {
    /// The example's resource requests (4 CPUs, 8 GB) are more than a test machine has; the command line overrides them.
    static let small = ["--cpus-per-task=1", "--mem=300M"]

    @Test func anArrayOfThreePartsAndADependentMergeEqualOneBuild() throws {
        let folder = TempFolder("slurm-array")
        let cluster = try SlurmCluster(folder: folder.file("cluster"))
        let pipeline = Repository.path("pipelines/mine.yaml"), root = folder.file("run")
        let array = try cluster.submit(Self.small + ["--array=1-3", "--output=\(folder.path)/task-%A_%a.log",
                                                     Repository.path("examples/slurm-array.sh"), pipeline, root])
        let parts = (1...3).map { "\(root)/part-\($0)-of-3" }
        let merged = folder.file("merged")
        let merge = try cluster.submit(Self.small + ["--dependency=afterok:\(array)", "--output=\(folder.path)/merge.log",
                                                     "--wrap", ([LWDataBinary.path, "merge"] + parts + ["--out", merged]).joined(separator: " ")])
        #expect(try cluster.wait(array) == ["COMPLETED", "COMPLETED", "COMPLETED"])
        #expect(try cluster.wait(merge) == ["COMPLETED"], "\((try? String(contentsOfFile: folder.file("merge.log"), encoding: .utf8)) ?? "")")

        let single = folder.file("single")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", single, "--quiet"]).status == 0)
        let ids = try recordIDs(merged)
        #expect(ids.count == 334 && Set(ids).count == ids.count)
        #expect(ids == (try recordIDs(single)))
        #expect(try registeredLines(merged, .data) == (try registeredLines(single, .data)))
        #expect(try registeredLines(merged, .reject) == (try registeredLines(single, .reject)))
        #expect(try LWDataBinary.run(["verify", "--out", merged]).status == 0)
    }

    @Test func aTaskCancelledMidRunResumesWhenResubmitted() throws {
        let folder = TempFolder("slurm-cancel")
        let cluster = try SlurmCluster(folder: folder.file("cluster"))
        let pipeline = try writeModelPipeline(in: folder, queries: 24)
        let root = folder.file("run")
        let part1 = "\(root)/part-1-of-3"
        let array = try cluster.submit(Self.small + ["--array=1-3", "--output=\(folder.path)/first-%A_%a.log",
                                                     Repository.path("examples/slurm-array.sh"), pipeline, root])
        // Cancel the whole array once part 1 has predicted some lengths but not all.
        var before = 0
        let deadline = Date().addingTimeInterval(300)
        while before < 2, Date() < deadline {
            usleep(200_000)
            before = (try? predicted(part1)) ?? 0
        }
        #expect(try cluster.run("scancel", [array]).status == 0)
        let cancelled = try cluster.wait(array)
        #expect(cancelled.contains("CANCELLED"), "\(cancelled)")
        let afterCancel = try predicted(part1)
        let total = try Manifest(directory: part1).itemCounts().first { $0.stage == "mine" }.map { $0.done } ?? 0
        #expect(afterCancel >= 2 && afterCancel < total, "cancelled mid-run: \(afterCancel) of \(total) predicted")

        // Resubmitted: every part finishes, the cancelled one from where it stopped.
        let again = try cluster.submit(Self.small + ["--array=1-3", "--output=\(folder.path)/again-%A_%a.log",
                                                     Repository.path("examples/slurm-array.sh"), pipeline, root])
        #expect(try cluster.wait(again) == ["COMPLETED", "COMPLETED", "COMPLETED"])
        #expect(try predicted(part1) == total)
        // The resubmitted task reused what the cancelled one finished and computed only the rest.
        let manifest = try Manifest(directory: part1)
        let runs = try manifest.runs()
        try #require(runs.map(\.status) == ["interrupted", "succeeded"], "\(runs)")
        let resumed = try manifest.stageCounts(runID: runs[1].id).first { $0.name == "predict-length" }
        #expect(resumed?.cached == afterCancel && resumed?.processed == total - afterCancel, "\(String(describing: resumed))")

        let merged = folder.file("merged"), single = folder.file("single")
        #expect(try LWDataBinary.run(["merge"] + (1...3).map { "\(root)/part-\($0)-of-3" } + ["--out", merged]).status == 0)
        #expect(try LWDataBinary.run(["build", pipeline, "--out", single, "--quiet"]).status == 0)
        #expect(try recordIDs(merged) == (try recordIDs(single)))
        #expect(try LWDataBinary.run(["verify", "--out", merged]).status == 0)
    }

    /// predict-length items done in a part folder (0 before its manifest exists).
    private func predicted(_ out: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: out + "/manifest.sqlite") else { return 0 }
        return try Manifest(directory: out).itemCounts().first { $0.stage == "predict-length" }.map { $0.done + $0.rejected } ?? 0
    }

    /// mine → predict-length on the built-in decoder and the default model, one record per shard, so
    /// each item is registered as it finishes.
    private func writeModelPipeline(in folder: TempFolder, queries: Int) throws -> String {
        let topics = ["rivers", "bridges", "markets", "harbours", "railways", "libraries"]
        let text = (0..<queries).map { "Write a long essay about city number \($0), its \(topics[$0 % topics.count]) and its people." }
        try (text.joined(separator: "\n") + "\n").write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("lengths.yaml")
        try """
        name: lengths
        inputs:
          - path: queries.txt
            format: text
        output:
          shard_max_records: 1
        stages:
          - name: mine
          - name: predict-length
            concurrency: 1  # one query at a time: a cancel always leaves some of a part undone
            params:
              min_words: 2000
              trust: max
              prompt_step1: \(Repository.path("pipelines/prompts/predict_length_step1.txt"))
              prompt_step2: \(Repository.path("pipelines/prompts/predict_length_step2.txt"))
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        return pipeline
    }
}

/// The `id` of every registered data record of a folder, sorted.
func recordIDs(_ out: String) throws -> [String] {
    try registeredLines(out, .data).map { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["id"] as? String ?? ""
    }.sorted()
}
