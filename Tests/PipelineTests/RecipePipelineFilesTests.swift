import Digest
import Foundation
import Testing
import TestSupport
@testable import Pipeline
@testable import Stages

/// The recipe pipelines shipped in `pipelines/` load, build their stages and match the pipeline schema.
@Suite struct RecipePipelineFilesTests {
    @Test(arguments: ["backtranslate", "self-lengthen", "all"])
    func shippedPipelineLoads(_ name: String) throws {
        let file = Repository.path("pipelines/\(name).yaml")
        let config = try PipelineConfig.load(file: file)
        let stages = try StageRegistry.build(config, modelIdentity: "test")
        #expect(StageRegistry.needsModel(config))
        #expect(!(try config.inputFiles()).isEmpty)
        #expect(stages.last?.kind == "export")
        if name != "self-lengthen" { #expect(stages.first?.kind == "read-texts") }
        let check = try runTool("python3", [Repository.path("scripts/validate_records.py"), Repository.path("schemas/pipeline.schema.json"), file])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test func allRoutesEveryRecipeWithSelect() throws {
        let config = try PipelineConfig.load(file: Repository.path("pipelines/all.yaml"))
        let selected = try StageRegistry.build(config, modelIdentity: "test").filter { $0.selector != nil }
        #expect(Set(selected.map(\.kind)) == ["lengthen", "predict-length", "plan", "write", "backtranslate", "constrain-length"])
        #expect(selected.first { $0.kind == "lengthen" }?.selector == RecordSelector(kinds: ["query"], share: 0.4))
    }

    @Test func selectorSharesAreStableAndComplementary() {
        let ids = (0..<2000).map { ContentHash.of("record", String($0)) }
        let half = RecordSelector(kinds: ["query"], share: 0.5)
        let taken = ids.filter { half.selects(Record(id: $0, fields: ["kind": "query"])) }
        #expect((900...1100).contains(taken.count))
        let fifth = RecordSelector(kinds: ["query"], share: 0.2)
        let small = Set(ids.filter { fifth.selects(Record(id: $0, fields: ["kind": "query"])) })
        #expect(small.isSubset(of: Set(taken)), "a smaller share takes a subset")
        #expect(!half.selects(Record(id: ids[0], fields: ["kind": "document"])))
    }
}
