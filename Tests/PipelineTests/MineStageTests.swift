import Foundation
import TestSupport
import Logging
import Store
import Testing
@testable import Pipeline
@testable import Stages

/// Runs real pipelines (real shards, real manifest) over the repository's data files.
@Suite struct MineStageTests {
    struct Outcome {
        var records: [Record]
        var rejects: [Record]
        var summary: BuildSummary
    }

    static func build(_ yaml: String, in folder: TempFolder, out name: String = "out", cancelAfter: Int? = nil) async throws -> Outcome {
        let file = folder.file("pipeline.yaml")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(file: file)
        var stages = try StageRegistry.build(config)
        let out = folder.file(name)
        let manifest = try Manifest(directory: out)
        let cancellation = Cancellation()
        if let cancelAfter, case .source(let mine as MineStage) = stages[0].shape {
            stages[0] = stages[0].replacingShape(.source(CancellingSource(inner: mine, after: cancelAfter)))
        }
        let runner = try PipelineRunner(config: config, stages: stages, manifest: manifest,
                                        directory: out, logger: Logger(label: "test"), cancellation: cancellation)
        let summary = try await runner.run(runID: "run-\(UUID().uuidString.prefix(6))")
        return Outcome(records: try readShards(manifest, .data), rejects: try readShards(manifest, .reject), summary: summary)
    }

    static func readShards(_ manifest: Manifest, _ role: ShardRole) throws -> [Record] {
        var records: [Record] = []
        for shard in try manifest.shards(role: role) {
            let reader = try LineReader(path: manifest.absolutePath(shard.path))
            try reader.forEach { records.append(try Record(line: $0!)) }
        }
        return records
    }

    static func pipeline(inputs: [String], params: String = "", output: String = "") -> String {
        "name: t\ninputs:\n" + inputs.map { "  - \($0)\n" }.joined() + output + "stages:\n  - name: mine\n" + params
    }

    @Test func sampleDataKeepsDistinctQueriesAndRejectsPlantedDuplicates() async throws {
        let folder = TempFolder("mine-sample")
        let inputs = ["wildchat.jsonl", "prompts.jsonl", "queries.txt"].map { Repository.path("data/sample/\($0)") }
        let result = try await Self.build(Self.pipeline(inputs: inputs), in: folder)
        #expect(result.records.count == 334)
        #expect(result.rejects.count == 6)
        #expect(Set(result.rejects.map { $0["reason"]?.string }) == ["duplicate"])
        #expect(Set(result.records.map(\.id)).count == result.records.count)
        let languages = Dictionary(grouping: result.records, by: { $0["language"]?.string ?? "?" }).mapValues(\.count)
        #expect(languages["zh"] == 50 && languages["ja"] == 5 && languages["ko"] == 5)
        for record in result.records {
            let query = record["query"]?.string ?? ""
            #expect(query == TextNormalizer.normalize(query))
            #expect(record["input_length"]?.int == LengthCounter.count(query))
        }
    }

    @Test func malformedLinesAreRejectedWithReasonsAndValidOnesKept() async throws {
        let folder = TempFolder("mine-bad")
        let result = try await Self.build(Self.pipeline(inputs: [Repository.path("data/malformed/malformed.jsonl")]), in: folder)
        // data/malformed/README.md lists the expected outcome of each line.
        let expected: [Int: String] = [
            2: "invalid_json", 3: "invalid_json", 4: "invalid_json", 24: "invalid_json",
            22: "binary", 26: "binary", 6: "not_an_object", 7: "not_an_object", 8: "not_an_object",
            10: "wrong_type", 16: "wrong_type", 18: "wrong_type", 25: "wrong_type",
            11: "empty_query", 12: "empty_query", 15: "missing_query", 17: "no_user_turn", 19: "no_user_turn",
            21: "invalid_utf8",
        ]
        var got: [Int: String] = [:]
        for reject in result.rejects {
            got[reject["source"]?["line"]?.int ?? -1] = reject["reason"]?.string
            #expect(reject["detail"]?.string?.contains("malformed.jsonl:") == true)
        }
        #expect(got == expected)
        #expect(result.records.compactMap { $0["source"]?["line"]?.int }.sorted() == [1, 5, 9, 14, 20, 23, 27])
        let byLine = Dictionary(uniqueKeysWithValues: result.records.map { ($0["source"]!["line"]!.int!, $0["query"]!.string!) })
        #expect(byLine[5] == "Write a detailed guide to composting in an apartment.")
        #expect(byLine[20] == "Write a 3,000-word report on the history of the bicycle.")
        #expect(byLine[23] == "How do I make cold brew coffee at home?")
    }

    @Test func compressedInputsAndLimits() async throws {
        let folder = TempFolder("mine-zst")
        let plain = folder.file("q.txt")
        try (0..<50).map { "question number \($0)?" }.joined(separator: "\n").write(toFile: plain, atomically: true, encoding: .utf8)
        #expect(try runTool("zstd", ["-q", plain, "-o", plain + ".zst"]).status == 0)
        let result = try await Self.build(Self.pipeline(inputs: [plain + ".zst"], params: "    params:\n      limit: 20\n"), in: folder)
        #expect(result.records.count == 20)
        #expect(result.records.allSatisfy { $0["source"]?["format"]?.string == "text" })
    }

    @Test func interruptedBuildResumesToTheSameRecords() async throws {
        let folder = TempFolder("mine-resume")
        let input = folder.file("in.jsonl")
        // 3,000 prompts with every 7th repeated, so dedup state must survive the interruption.
        let lines = (0..<3000).map { i in #"{"prompt": "Write about topic \#(i % 7 == 0 ? 0 : i) in detail"}"# }
        try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let yaml = Self.pipeline(inputs: [input], output: "output:\n  shard_max_records: 100\n")

        let reference = try await Self.build(yaml, in: folder, out: "reference")
        let first = try await Self.build(yaml, in: folder, cancelAfter: 1200)
        #expect(first.summary.interruption == "test")
        #expect(first.records.count < reference.records.count)
        let resumed = try await Self.build(yaml, in: folder)
        #expect(resumed.summary.stages[0].cached > 0)
        let resumedLines = resumed.records.map { $0.line() }
        let referenceLines = reference.records.map { $0.line() }
        #expect(resumedLines.count == referenceLines.count, "no record lost, none twice")
        #expect(Set(resumedLines) == Set(referenceLines))
        #expect(Set(resumed.rejects.map { $0.line() }) == Set(reference.rejects.map { $0.line() }))
        #expect(resumed.rejects.count == reference.rejects.count)
        let again = try await Self.build(yaml, in: folder)
        #expect(again.summary.stages[0].processed == 0)
        #expect(again.records.count == reference.records.count)
    }
}

/// Raises the build's cancellation (as SIGINT would) after a number of items, mid-run.
struct CancellingSource: SourceStage {
    static let kind = "cancelling-mine"
    static let logicVersion = 1
    let inner: MineStage
    var after = Int.max
    var name: String { inner.name }
    var settings: MineSettings { inner.settings }

    init(name: String, settings: MineSettings) {
        inner = MineStage(name: name, settings: settings)
    }

    init(inner: MineStage, after: Int) {
        self.inner = inner
        self.after = after
    }

    func estimatedItems(context: StageContext) throws -> Int? { try inner.estimatedItems(context: context) }

    func produce(context: StageContext, keys: StageKeys, finished: [String: (recordID: String, rejected: Bool)],
                 emit: (SourceItem) async throws -> Void) async throws {
        var count = 0
        try await inner.produce(context: context, keys: keys, finished: finished) { item in
            try await emit(item)
            count += 1
            if count == after { context.cancellation.cancel("test") }
        }
    }
}
