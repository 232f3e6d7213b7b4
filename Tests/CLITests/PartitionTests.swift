import Foundation
import Store
import TestSupport
import Testing

/// `lwdata build --part I/N`: a deterministic hash partition of the items.
@Suite(.serialized) struct PartitionTests {
    @Test func partsAreDisjointCoverEveryItemAndEveryLaterStageFollows() throws {
        let folder = TempFolder("part-split")
        let pipeline = try writeExplicitLengthPipeline(in: folder, queries: 300)
        let full = folder.file("full")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", full, "--quiet"]).status == 0)
        var partData: [[String]] = [], partRejects: [[String]] = [], stageItems: [[String: Int]] = []
        for i in 1...3 {
            let out = folder.file("part-\(i)")
            let build = try LWDataBinary.run(["build", pipeline, "--out", out, "--part", "\(i)/3"])
            #expect(build.status == 0, "\(build.stderr)")
            partData.append(try registeredLines(out, .data))
            partRejects.append(try registeredLines(out, .reject))
            stageItems.append(try itemsPerStage(out))
            // A second run of the same part reuses everything.
            let again = try LWDataBinary.run(["build", pipeline, "--out", out, "--part", "\(i)/3"])
            #expect(again.stdout.contains("computed 0,"), "\(again.stdout)")
        }
        let fullData = try registeredLines(full, .data), fullRejects = try registeredLines(full, .reject)
        #expect(partData.flatMap { $0 }.sorted() == fullData)
        #expect(partRejects.flatMap { $0 }.sorted() == fullRejects)
        // Each stage's items split the same way: predict-length only saw its part's queries.
        let fullItems = try itemsPerStage(full)
        for stage in ["mine", "predict-length"] {
            #expect(stageItems.reduce(0) { $0 + ($1[stage] ?? 0) } == fullItems[stage])
        }
        // The hash spreads items evenly enough: no part is empty or holds most of them.
        for items in stageItems { #expect((60...140).contains(items["mine"] ?? 0), "\(stageItems)") }
        // The same item always lands in the same part: a fresh build of part 2 gives the same records.
        let again = folder.file("part-2-again")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", again, "--part", "2/3", "--quiet"]).status == 0)
        #expect(try registeredLines(again, .data) == partData[1])
    }

    @Test func aFolderIsOnlyResumedAsThePartItHolds() throws {
        let folder = TempFolder("part-claim")
        let pipeline = Repository.path("pipelines/mine.yaml")
        let part = folder.file("part"), full = folder.file("full")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", part, "--part", "2/4", "--quiet"]).status == 0)
        let linesBefore = try registeredLines(part, .data)

        let other = try LWDataBinary.run(["build", pipeline, "--out", part, "--part", "1/4"])
        #expect(other.status == 2)
        #expect(other.stderr.contains("holds part 2/4 of a partitioned build; resume it with --part 2/4 (not 1/4)"), "\(other.stderr)")
        let whole = try LWDataBinary.run(["build", pipeline, "--out", part])
        #expect(whole.status == 2)
        #expect(whole.stderr.contains("holds part 2/4"))
        #expect(try registeredLines(part, .data) == linesBefore, "a refused build writes nothing")

        #expect(try LWDataBinary.run(["build", pipeline, "--out", full, "--quiet"]).status == 0)
        let asPart = try LWDataBinary.run(["build", pipeline, "--out", full, "--part", "2/4"])
        #expect(asPart.status == 2)
        #expect(asPart.stderr.contains("holds a build of all items; it cannot be resumed as part 2/4"))
        // 1/1 is the whole build.
        #expect(try LWDataBinary.run(["build", pipeline, "--out", full, "--part", "1/1", "--quiet"]).status == 0)

        for bad in ["0/3", "4/3", "2", "a/b", "1/0"] {
            let result = try LWDataBinary.run(["build", pipeline, "--out", folder.file("bad"), "--part", bad])
            #expect(result.status == 2, "--part \(bad)")
            #expect(result.stderr.contains("--part \(bad):"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("bad/manifest.sqlite")))
    }
}

/// Writes `queries` queries that each name their length (so `predict-length` needs no model
/// call) and a two-stage pipeline over them whose model backend points nowhere: any model call
/// would fail the item.
func writeExplicitLengthPipeline(in folder: TempFolder, queries: Int, shardRecords: Int = 40) throws -> String {
    let lengths = [1000, 2500, 3000, 5000, 8000]
    var text = ""
    for i in 0..<queries {
        text += "Write a \(lengths[i % lengths.count])-word essay about topic \(i), its history and its future.\n"
        if i % 17 == 0 { text += "Write a \(lengths[i % lengths.count])-word essay about topic \(i), its history and its future.\n" }
    }
    try text.write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
    let pipeline = folder.file("lengths.yaml")
    try """
    name: lengths
    inputs: [queries.txt]
    output:
      shard_max_records: \(shardRecords)
    model:
      backend: openai
      base_url: http://127.0.0.1:9
      name: no-model-needed
      request_cache: false
      max_retries: 0
    stages:
      - name: mine
      - name: predict-length
        params:
          min_words: 2000
          prompt_step1: \(Repository.path("pipelines/prompts/predict_length_step1.txt"))
          prompt_step2: \(Repository.path("pipelines/prompts/predict_length_step2.txt"))
    """.write(toFile: pipeline, atomically: true, encoding: .utf8)
    return pipeline
}

/// Finished items (done or rejected) per stage in an output folder's manifest.
func itemsPerStage(_ out: String) throws -> [String: Int] {
    Dictionary(uniqueKeysWithValues: try Manifest(directory: out).itemCounts().map { ($0.stage, $0.done + $0.rejected) })
}
