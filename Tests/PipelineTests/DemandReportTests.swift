import Decoder
import Foundation
import Logging
import Messages
import Store
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

/// Demand alignment in `lwdata report` with the real sentence encoder: coverage of real queries
/// by the dataset's instructions, the PCA map and the demand histogram, in headless Chromium.
@Suite(.enabled(if: InstalledEncoder.installed, InstalledEncoder.skipReason))
struct DemandReportTests {
    @Test func coverageCountsQueriesWhoseNearestInstructionAsksTheSame() throws {
        let subjects = Array(try SemanticDedupTests.clearSubjects().prefix(4))
        #expect(subjects.count == 4)
        let buckets = [2000, 4000, 8000, 2000]
        let queries = subjects.enumerated().map { i, s in DemandAlignment.Query(text: s.0, predictedBucket: buckets[i], inputWords: 12) }
            + [DemandAlignment.Query(text: "What time is it in Tokyo right now?", predictedBucket: 0, inputWords: 2500)]
        // The dataset asks what subjects 0 and 1 ask, in other words; for subjects 2 and 3 it asks something else.
        let instructions = [subjects[0].1, subjects[1].1, subjects[2].2, subjects[3].2]
        let encoder = InstalledEncoder.encoder!
        let demand = DemandAlignment(queries: queries, instructions: instructions, embedder: encoder, threshold: 0.75)

        let q = encoder.embed(queries.map(\.text)), d = encoder.embed(instructions)
        for (i, query) in q.enumerated() {
            let best = d.map { SentenceEncoder.cosine(query, $0) }.max()!
            #expect(abs(demand.nearest[i] - Double(best)) < 1e-4, "nearest of query \(i)")
        }
        #expect(demand.coverage.map(\.bucket) == [0, 2000, 4000, 8000, 16000])
        #expect(demand.coverage.first { $0.bucket == 2000 } == .init(bucket: 2000, queries: 2, covered: 1))
        #expect(demand.coverage.first { $0.bucket == 4000 } == .init(bucket: 4000, queries: 1, covered: 1))
        #expect(demand.coverage.first { $0.bucket == 8000 } == .init(bucket: 8000, queries: 1, covered: 0))
        #expect(demand.coverage.first { $0.bucket == 0 } == .init(bucket: 0, queries: 1, covered: 0))
        #expect(demand.predicted == [0: 1, 2000: 2, 4000: 1, 8000: 1])
        #expect(demand.input == [0: 4, 2000: 1], "input length 2,500 words falls in the 2K bucket")
        #expect(demand.map.count == 9 && demand.map.filter(\.isQuery).count == 5)
        #expect(demand.explained[0] >= demand.explained[1] && demand.explained[1] > 0 && demand.explained[0] + demand.explained[1] <= 1)
    }

    @Test func reportPageShowsCoverageMapAndDemandHistogramInAHeadlessBrowser() async throws {
        let folder = TempFolder("demand-report")
        let queries = [
            "Write a 5,000-word history of the Silk Road and the cities along it.",
            "Write a 3,000-word guide to restoring an old wooden sailboat.",
            "Write a 10,000-word novella about a family of clockmakers in Prague.",
            "Write a 2,500-word report on the economics of urban bike sharing.",
            "Write a 20,000-word fantasy epic about a kingdom under the sea.",
            "What is the boiling point of water at high altitude?",
            "Translate 'good morning' into Italian.",
            "Give me three synonyms for happy.",
        ]
        try queries.joined(separator: "\n").write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        let prompts = Repository.path("pipelines/prompts")
        let yaml = """
            name: demand
            inputs:
              - path: queries.txt
                format: text
            stages:
              - name: mine
              - name: predict-length
                params:
                  trust: heuristic
                  min_words: 2000
                  prompt_step1: \(prompts)/predict_length_step1.txt
                  prompt_step2: \(prompts)/predict_length_step2.txt
            """
        try yaml.write(toFile: folder.file("pipeline.yaml"), atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(file: folder.file("pipeline.yaml"))
        let out = folder.file("out")
        let runner = try PipelineRunner(config: config, stages: try StageRegistry.build(config), manifest: try Manifest(directory: out),
                                        directory: out, logger: Logger(label: "test"), cancellation: Cancellation())
        _ = try await runner.run(runID: "run-demand")

        let manifest = try Manifest(directory: out)
        var report = try DatasetReport(manifest: manifest)
        let (mined, instructions) = try DemandAlignment.read(manifest: manifest, finalStage: report.finalStage)
        #expect(mined.count == queries.count && instructions.count == 5, "five asks of 2,000 words or more are kept")
        #expect(Set(mined.map(\.predictedBucket)) == [0, 2000, 4000, 8000, 16000])
        report.demand = DemandAlignment(queries: mined, instructions: instructions, embedder: InstalledEncoder.encoder!, threshold: 0.7)
        let page = try ReportPage.write(report, directory: out)

        let json = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/report/report.json"))))
        #expect(json["demand"]?["queries"] == 8 && json["demand"]?["instructions"] == 5)
        #expect(json["demand"]?["coverage"]?.array?.first { $0["bucket"] == 4000 }?["covered"] == 1)
        #expect(json["charts"]?.array?.count == 8)

        let browser = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--log-level=3"]
        let dom = try runTool("chromium", browser + ["--dump-dom", "file://" + page]).output
        #expect(dom.components(separatedBy: "<svg ").count - 1 == 8, "five charts and three demand charts")
        for id in ["demand-coverage", "demand-map", "demand-histogram"] { #expect(dom.contains("<section id=\"\(id)\"")) }
        // Coverage: every long ask is its own nearest instruction; the three short asks are not covered.
        #expect(dom.contains("<title>under 2K: 0 of 3 queries covered</title>"), "\(dom.suffix(3000))")
        for bucket in ["2K", "4K", "8K", "16K"] { #expect(dom.contains("\(bucket): ") && dom.contains("queries covered")) }
        // The map holds every query and every instruction.
        #expect(dom.components(separatedBy: "<title>query: ").count - 1 == 8)
        #expect(dom.components(separatedBy: "<title>instruction: ").count - 1 == 5)
        // The histogram: queries per predicted output bucket beside their input length.
        #expect(dom.contains("<title>predicted output under 2K: 3 queries</title>"))
        #expect(dom.contains("<title>input under 2K: 8 queries</title>"))
        #expect(dom.contains("real long-output queries covered") && dom.contains("5 of 5"))
    }
}
