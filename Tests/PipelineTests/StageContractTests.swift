import Foundation
import Testing
import TestSupport
@testable import Pipeline
@testable import Stages
import Store

/// The one stage contract: the registry agrees with the pipeline schema, a stage in the wrong
/// place or of an unknown kind fails when the pipeline is loaded, and config hashes follow every
/// setting without a hand-written list.
@Suite struct StageContractTests {
    func load(_ yaml: String) throws -> PipelineConfig {
        try PipelineConfig(document: ConfigDocument(file: "pipelines/test.yaml", text: yaml))
    }

    func buildError(_ yaml: String) -> String {
        do {
            _ = try StageRegistry.build(try load(yaml), modelIdentity: "test")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// `schemas/pipeline.schema.json`: the stage kinds, and each kind's params definition.
    func schemaStages() throws -> (kinds: [String], params: [String: [String]]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("schemas/pipeline.schema.json")))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        let stage = try #require(defs["stage"] as? [String: Any])
        let properties = try #require(stage["properties"] as? [String: Any])
        let kinds = try #require((properties["kind"] as? [String: Any])?["enum"] as? [String])
        var params: [String: [String]] = [:]
        for rule in try #require(stage["allOf"] as? [[String: Any]]) {
            let condition = try #require((rule["if"] as? [String: Any])?["anyOf"] as? [[String: Any]])
            let kind = try #require(((condition[0]["properties"] as? [String: Any])?["kind"] as? [String: Any])?["const"] as? String)
            let ref = try #require((((rule["then"] as? [String: Any])?["properties"] as? [String: Any])?["params"] as? [String: Any])?["$ref"] as? String)
            let def = try #require(defs[String(ref.split(separator: "/").last!)] as? [String: Any])
            params[kind] = ((def["properties"] as? [String: Any]) ?? [:]).keys.sorted()
        }
        return (kinds, params)
    }

    @Test func registryAndPipelineSchemaAgree() throws {
        let schema = try schemaStages()
        #expect(Set(schema.kinds) == Set(StageRegistry.kinds), "every registered kind is in the schema, and nothing else")
        for type in StageRegistry.types {
            let expected = (type.parameterKeys + (type.selectable ? ["select"] : [])).sorted()
            #expect(schema.params[type.kind] == expected, "params of \(type.kind): schema \(schema.params[type.kind] ?? []) vs stage \(expected)")
        }
        #expect(Set(StageRegistry.kinds).count == StageRegistry.types.count, "kinds are unique")
    }

    @Test func aStageInTheWrongPlaceFailsAtLoadNamingFileLineAndShape() {
        let late = buildError("name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n  - name: again\n    kind: mine\n")
        #expect(late.contains("pipelines/test.yaml:6") && late.contains("mine is a source stage"), "\(late)")
        let first = buildError("name: x\ninputs: [a.txt]\nstages:\n  - name: dedup-filter\n  - name: export\n")
        #expect(first.contains("pipelines/test.yaml:4") && first.contains("the first stage must read the inputs")
                && first.contains("dedup-filter is a barrier stage"), "\(first)")
        let unknown = buildError("name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n  - name: polish\n")
        #expect(unknown.contains("pipelines/test.yaml:5") && unknown.contains("unknown stage kind 'polish'")
                && unknown.contains("known: mine, read-texts"), "\(unknown)")
        let select = buildError("name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n  - name: export\n    params: {select: {kinds: [query]}}\n")
        #expect(select.contains("select is for the stages") && select.contains("not export"), "\(select)")
    }

    @Test func theRunnerRefusesAStageListWithoutItsSourceFirst() throws {
        let config = try load("name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n  - name: export\n")
        let stages = try StageRegistry.build(config)
        let folder = TempFolder("contract")
        #expect(throws: PipelineError.self) {
            _ = try PipelineRunner(config: config, stages: Array(stages.reversed()), manifest: try Manifest(directory: folder.path),
                                   directory: folder.path, logger: .init(label: "test"), cancellation: Cancellation())
        }
    }

    /// Every setting is in the hash because the hash is derived from the settings value: a
    /// parameter changed in the file changes its stage's hash (and no other stage's).
    @Test(arguments: [
        ("plan", "max_tokens: 1500"), ("plan", "temperature: 0.5"), ("write", "tokens_per_word: 1.7"),
        ("predict-length", "trust: max"), ("dedup-filter", "min_length_score: 70"), ("dedup-filter", "disable: [truncated]"),
        ("mine", "limit: 3"), ("write", "relevance: auto"), ("write", "relevance: on"),
        ("dedup-filter", "min_relevance: 0.2"),
    ])
    func everySettingChangesItsStageHash(_ stage: String, _ param: String) throws {
        func yaml(_ extra: String?) -> String {
            let stages = ["mine", "predict-length", "plan", "write", "dedup-filter", "export"].map { name in
                "  - name: \(name)\n" + (name == stage && extra != nil ? "    params: {\(extra!)}\n" : "")
            }
            return "name: x\ninputs: [a.txt]\nstages:\n" + stages.joined()
        }
        let pipelines = Repository.path("pipelines/x.yaml")
        let base = try StageRegistry.build(PipelineConfig(document: ConfigDocument(file: pipelines, text: yaml(nil))), modelIdentity: "m")
        let changed = try StageRegistry.build(PipelineConfig(document: ConfigDocument(file: pipelines, text: yaml(param))), modelIdentity: "m")
        for (a, b) in zip(base, changed) {
            #expect((a.configHash != b.configHash) == (a.name == stage), "\(a.name) with \(stage).\(param)")
        }
    }

    @Test func settingsThatDoNotShapeOutputLeaveTheHashAlone() throws {
        func hash(_ params: String) throws -> String {
            let text = "name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n  - name: dedup-filter\n    params: {\(params)}\n"
            return try StageRegistry.build(load(text))[1].configHash
        }
        #expect(try hash("memory_mb: 64") == hash("memory_mb: 512"))
        #expect(try hash("disable: [truncated, meta_talk]") == hash("disable: [meta_talk, truncated]"))
    }
}
