import Digest
import Foundation
import TestSupport
import Logging
import Store
import Testing
@testable import Pipeline
@testable import Stages

/// Runs real pipelines (real shards, real manifest) through `dedup-filter`: written records in,
/// kept records and reasoned rejects out, and a second build whose new records duplicate
/// records kept by the first.
@Suite struct DedupFilterStageTests {
    /// The first stage of these pipelines: each line of the input JSONL is a ready record (as the
    /// write stage emits them), one work item per line, cached by the line's content like `mine`.
    struct RecordFileSource: SourceStage {
        static let kind = "records"
        static let logicVersion = 1
        let name: String
        let settings: ExportSettings

        init(name: String, settings: ExportSettings) {
            self.name = name
            self.settings = settings
        }

        func estimatedItems(context: StageContext) throws -> Int? { nil }

        func produce(context: StageContext, keys: StageKeys, finished: [String: (recordID: String, rejected: Bool)],
                     emit: (SourceItem) async throws -> Void) async throws {
            for (_, file) in try context.pipeline.inputFiles() {
                let reader = try LineReader(path: file)
                while let line = try reader.next() {
                    guard case .text(let bytes) = line else { continue }
                    let key = keys.key(SHA256.hex(of: bytes))
                    if finished[key] != nil { try await emit(.cached(cacheKey: key)); continue }
                    try await emit(.fresh(cacheKey: key, .records([try Record(line: bytes)])))
                }
            }
        }
    }

    static let yaml = """
        name: t
        inputs: [records.jsonl]
        stages:
          - name: records
            kind: mine
          - name: dedup-filter
            params:
              min_words: 100
              min_length_score: 60
        """

    /// What a build wrote, and what the stage counted.
    struct Built {
        var records: [Record]
        var rejects: [Record]
        var summary: BuildSummary
        var counts: FilterCounts
    }

    /// `yaml` is the pipeline file; `models` carries the sentence encoder for semantic dedup.
    static func build(_ records: [Record], in folder: TempFolder, out: String = "out", yaml: String = yaml,
                      models: ModelSet = ModelSet()) async throws -> Built {
        try records.map { String(decoding: $0.line(), as: UTF8.self) }.joined(separator: "\n")
            .write(toFile: folder.file("records.jsonl"), atomically: true, encoding: .utf8)
        try yaml.write(toFile: folder.file("pipeline.yaml"), atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(file: folder.file("pipeline.yaml"))
        let stages = try [RecordFileSource.build(config.stages[0], params: config.stages[0].params, selector: nil, pipeline: config, modelIdentity: nil)]
            + StageRegistry.build(config, encoderIdentity: models.encoder.identity).dropFirst()
        guard case .barrier(let barrier) = stages[1].shape, let filter = barrier as? DedupFilterStage else {
            Issue.record("the second stage is the dedup-filter barrier")
            throw CancellationError()
        }
        let manifest = try Manifest(directory: folder.file(out))
        func read(_ role: ShardRole) throws -> [Record] {
            var records: [Record] = []
            for shard in try manifest.shards(stage: "dedup-filter", role: role) {
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { records.append(try Record(line: $0!)) }
            }
            return records
        }
        let runner = try PipelineRunner(config: config, stages: stages, manifest: manifest,
                                        directory: folder.file(out), logger: Logger(label: "test"), cancellation: Cancellation(),
                                        models: models)
        let summary = try await runner.run(runID: "run-\(UUID().uuidString.prefix(6))")
        return Built(records: try read(.data), rejects: try read(.reject), summary: summary,
                     counts: filter.filterCounts)
    }

    /// Prose of distinct random words: `sentences` sentences of 12 words, five to a paragraph.
    static func prose(seed: UInt64, sentences: Int) -> String {
        var rng = DedupNearDuplicateTests.Generator(state: seed)
        let vocabulary = DedupNearDuplicateTests.vocabulary
        return (0..<sentences).map { s in
            let sentence = (0..<12).map { _ in vocabulary[rng.below(vocabulary.count)] }.joined(separator: " ")
            return sentence.prefix(1).uppercased() + sentence.dropFirst() + "." + (s % 5 == 4 ? "\n\n" : " ")
        }.joined().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func record(query: String, response: String?, required: Int = 300, language: String = "latin") -> Record {
        var fields: [String: JSONValue] = ["kind": "written", "query": .string(query), "language": .string(language),
                                           "length": ["required_words": .int(required), "bucket": 2000]]
        if let response { fields["response"] = .string(response) }
        return Record(id: ContentHash.of("query", query), fields: fields)
    }

    /// A 30-word instruction of its own about topic `i`.
    static func query(_ i: Int) -> String {
        var rng = DedupNearDuplicateTests.Generator(state: UInt64(5000 + i))
        let vocabulary = DedupNearDuplicateTests.vocabulary
        return "Write a detailed essay about " + (0..<25).map { _ in vocabulary[rng.below(vocabulary.count)] }.joined(separator: " ") + "."
    }

    /// 20 good records, then one planted case per rule. Planted duplicates score lower than their
    /// originals (a worse length score), so the original is the one each cluster keeps.
    static func firstBatch() -> (records: [Record], expected: [String: String]) {
        var records = (0..<20).map { record(query: query($0), response: prose(seed: UInt64($0 + 1), sentences: 25)) }
        var expected: [String: String] = [:]
        func plant(_ r: Record, _ reason: String) { records.append(r); expected[r.id] = reason }
        let words = records[3]["response"]!.string!.split(separator: " ", omittingEmptySubsequences: false)
        var edited = words
        edited[40] = "replaced"
        edited[160] = "altered"
        plant(record(query: "Tell me about an unrelated topic, please, in depth and at length.", response: records[1]["response"]!.string!, required: 400),
              "exact_duplicate_response")
        plant(record(query: "  " + query(2).replacingOccurrences(of: " the ", with: "   the ") + "\n", response: prose(seed: 900, sentences: 20)),
              "exact_duplicate_instruction")
        plant(record(query: "An essay on something else entirely, with sources.", response: edited.joined(separator: " "), required: 400),
              "near_duplicate_response")
        let ask = query(4).split(separator: " ")
        plant(record(query: (ask[..<12] + ["differently"] + ask[13...]).joined(separator: " "), response: prose(seed: 901, sentences: 20)),
              "near_duplicate_instruction")
        plant(record(query: "Write about rivers.", response: prose(seed: 902, sentences: 25) + " And then the river turned toward the"),
              "truncated")
        let paragraph = prose(seed: 903, sentences: 5)
        plant(record(query: "Write about loops.", response: Array(repeating: paragraph, count: 5).joined(separator: "\n\n")),
              "duplicate_lines")
        plant(record(query: "Write about plans.", response: "Paragraph 1 - Main Point: rivers - Word Count: 300 words\n\n"
                     + prose(seed: 904, sentences: 25)), "plan_artefact")
        plant(record(query: "写一篇关于河流的长文", response: prose(seed: 905, sentences: 25), language: "zh"), "language_mismatch")
        plant(record(query: "Write 3,000 words about mountains.", response: prose(seed: 906, sentences: 25), required: 3000),
              "low_length_score")
        plant(record(query: "Write about deserts.", response: prose(seed: 907, sentences: 3)), "too_few_words")
        plant(record(query: "Write about lakes.", response: nil), "missing_field")
        return (records, expected)
    }

    @Test func keepsGoodRecordsAndRejectsEachPlantedCaseWithItsRule() async throws {
        let folder = TempFolder("dedup-stage")
        let (records, expected) = Self.firstBatch()
        let result = try await Self.build(records, in: folder)
        let reasons = Dictionary(uniqueKeysWithValues: result.rejects.map { ($0.id, $0["reason"]?.string ?? "?") })
        #expect(reasons == expected)
        #expect(result.records.count == 20)
        let stage = result.summary.stages[1]
        #expect(stage.kind == "dedup-filter" && stage.processed == records.count && stage.emitted == 20 && stage.rejected == expected.count)
        for reject in result.rejects {
            #expect(reject["rule"] == reject["reason"])
            #expect(reject["value"] != nil && reject["threshold"] != nil, "\(reject["reason"]!)")
            #expect(reject["detail"]?.string?.isEmpty == false)
            if reject["reason"] != "missing_field" { #expect(reject["raw"]?.string?.isEmpty == false && reject["instruction"] != nil) }
        }
        let byReason = Dictionary(uniqueKeysWithValues: result.rejects.map { ($0["reason"]!.string!, $0) })
        #expect(byReason["exact_duplicate_response"]?["duplicate_of"]?.string == records[1].id)
        #expect(byReason["exact_duplicate_instruction"]?["duplicate_of"]?.string == records[2].id)
        #expect(byReason["near_duplicate_response"]?["duplicate_of"]?.string == records[3].id)
        #expect(byReason["near_duplicate_response"]?["cluster"]?.string == records[3].id)
        #expect((byReason["near_duplicate_response"]?["value"]?.double ?? 0) >= 0.7)
        #expect(byReason["near_duplicate_instruction"]?["duplicate_of"]?.string == records[4].id)
        #expect(byReason["low_length_score"]?["threshold"] == 60)

        // Each rule counted what it checked and dropped; a record reaches a rule only past the ones before it.
        let counts = result.counts
        #expect(counts.records == records.count && counts.kept == 20)
        #expect(counts.rules["too_few_words"] == .init(checked: records.count - 1, dropped: 1))
        #expect(counts.rules["missing_field"]?.dropped == 1)
        #expect(counts.rules["truncated"]?.dropped == 1 && counts.rules["plan_artefact"]?.dropped == 1)
        #expect(counts.rules["duplicate_10gram"] == .init(checked: 24, dropped: 0), "20 good records and 4 planted duplicates")
        #expect(counts.rules["exact_duplicate_instruction"] == .init(checked: 24, dropped: 1))
        #expect(counts.rules["exact_duplicate_response"] == .init(checked: 23, dropped: 1))
        #expect(counts.rules["near_duplicate_response"] == .init(checked: 22, dropped: 1))
        let dropped = counts.rules.values.reduce(0) { $0 + $1.dropped }
        #expect(dropped == expected.count)
        // `filter.input_id` names the record that came in (the runner may give output records ids of their own).
        let kept = Dictionary(uniqueKeysWithValues: result.records.map { ($0["filter"]!["input_id"]!.string!, $0) })
        #expect(Set(kept.keys) == Set(records.prefix(20).map(\.id)))
        #expect(kept[records[3].id]?["filter"]?["duplicates_removed"] == 1)
        #expect(kept[records[0].id]?["filter"]?["produced_words"] == .int(LengthCounter.count(records[0]["response"]!.string!)))
        #expect(kept[records[0].id]?["response"] == records[0]["response"])

        // Rejects follow schemas/reject.schema.json.
        let rejectShards = try Manifest(directory: folder.file("out")).shards(stage: "dedup-filter", role: .reject)
            .map { folder.file("out/" + $0.path) }
        let check = try runTool("python3", [Repository.path("scripts/validate_records.py"), Repository.path("schemas/reject.schema.json")] + rejectShards)
        #expect(check.status == 0, "\(check.output)")
    }

    @Test func decisionsDoNotDependOnArrivalOrder() async throws {
        let folder = TempFolder("dedup-order")
        let (records, _) = Self.firstBatch()
        var reversed = Array(records.reversed())
        reversed.swapAt(3, 17)
        let forward = try await Self.build(records, in: folder, out: "a")
        let backward = try await Self.build(reversed, in: folder, out: "b")
        func decisions(_ o: Built) -> [String: String] {
            Dictionary(uniqueKeysWithValues: o.rejects.map { ($0.id, "\($0["reason"]!.string!) \($0["duplicate_of"]?.string ?? "")") }
                + o.records.map { ($0["filter"]!["input_id"]!.string!, "kept") })
        }
        #expect(decisions(forward) == decisions(backward))
    }

    @Test func aSecondBuildDropsNewRecordsDuplicatingEarlierKeptOnes() async throws {
        let folder = TempFolder("dedup-cross")
        let (records, expected) = Self.firstBatch()
        let first = try await Self.build(records, in: folder)
        #expect(first.records.count == 20)

        let earlier = records[5]["response"]!.string!.split(separator: " ", omittingEmptySubsequences: false)
        var edited = earlier
        edited[10] = "changed"
        let nearOld = Self.record(query: "A fresh instruction about a river delta and its farms.", response: edited.joined(separator: " "))
        let sameAsk = Self.record(query: Self.query(6) + " ", response: Self.prose(seed: 950, sentences: 25))
        let fresh = Self.record(query: "Write about glaciers in detail.", response: Self.prose(seed: 951, sentences: 25))
        let second = try await Self.build(records + [nearOld, sameAsk, fresh], in: folder)

        let stage = second.summary.stages[1]
        #expect(stage.processed == 3, "only the new records are decided")
        #expect(stage.cached == records.count)
        #expect(stage.emitted == 1 && stage.rejected == 2)
        let rejects = Dictionary(uniqueKeysWithValues: second.rejects.map { ($0.id, $0) })
        #expect(rejects[nearOld.id]?["reason"] == "near_duplicate_response")
        #expect(rejects[nearOld.id]?["duplicate_of"]?.string == records[5].id)
        #expect(rejects[sameAsk.id]?["reason"] == "exact_duplicate_instruction")
        #expect(rejects[sameAsk.id]?["cluster"]?.string == records[6].id)
        #expect(second.records.filter { $0["filter"]?["input_id"]?.string == fresh.id }.count == 1)
        #expect(second.records.count == 21)
        #expect(second.rejects.count == expected.count + 2)
    }
}
