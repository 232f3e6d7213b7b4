import Foundation
import Logging
import Store
import TestSupport
import Digest
import Testing
@testable import Pipeline
@testable import Stages

/// A stage's progress total is the number of records its input stage passed on, fresh or reused,
/// so a resumed build reads "20/20", not the input stage's item count ("20/23").
@Suite struct ProgressTotalsTests {
    /// Each input line is a record, or a rejected item when it holds `"drop": true`.
    struct DroppingSource: SourceStage {
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
                    let record = try Record(line: bytes)
                    if record["drop"] == .bool(true) {
                        try await emit(.fresh(cacheKey: key, .rejected(id: record.id, Rejection(reason: "dropped", detail: "line asks to be dropped"))))
                    } else {
                        try await emit(.fresh(cacheKey: key, .records([record])))
                    }
                }
            }
        }
    }

    @Test func aResumedBuildCountsWhatTheInputStagePassedOn() async throws {
        let folder = TempFolder("progress-totals")
        var records = (0..<20).map {
            DedupFilterStageTests.record(query: DedupFilterStageTests.query($0),
                                         response: DedupFilterStageTests.prose(seed: UInt64($0 + 1), sentences: 25))
        }
        for i in 0..<3 { records.append(Record(id: "drop-\(i)", fields: ["drop": true])) }
        try records.map { String(decoding: $0.line(), as: UTF8.self) }.joined(separator: "\n")
            .write(toFile: folder.file("records.jsonl"), atomically: true, encoding: .utf8)
        try "name: t\ninputs: [records.jsonl]\nstages:\n  - name: records\n    kind: mine\n  - name: export\n".write(toFile: folder.file("pipeline.yaml"), atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(file: folder.file("pipeline.yaml"))
        for run in ["fresh", "resumed"] {
            let stages = try [DroppingSource.build(config.stages[0], params: config.stages[0].params, selector: nil, pipeline: config, modelIdentity: nil)]
                + StageRegistry.build(config).dropFirst()
            let runner = try PipelineRunner(config: config, stages: stages,
                                            manifest: try Manifest(directory: folder.file("out")), directory: folder.file("out"),
                                            logger: Logger(label: "test"), cancellation: Cancellation())
            _ = try await runner.run(runID: "run-\(run)")
            let source = runner.progress[0].snapshot, export = runner.progress[1].snapshot
            #expect(source.done == 23, "\(run)")
            #expect(export.done == 20, "\(run)")
            #expect(export.total == 20, "\(run): export \(export.done)/\(export.total.map(String.init) ?? "?")")
        }
    }
}
