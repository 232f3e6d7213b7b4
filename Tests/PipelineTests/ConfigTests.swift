import Foundation
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

@Suite struct ConfigTests {
    func load(_ yaml: String) throws -> PipelineConfig {
        try PipelineConfig(document: ConfigDocument(file: "pipelines/test.yaml", text: yaml))
    }

    func message(_ yaml: String) -> String {
        do {
            let config = try load(yaml)
            _ = try StageRegistry.build(config)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func theShippedPipelinesLoad() throws {
        let config = try PipelineConfig.load(file: Repository.path("pipelines/mine.yaml"))
        #expect(config.name == "mine")
        let stages = try StageRegistry.build(config)
        #expect(stages.map(\.name) == ["mine"])
        #expect(try config.inputFiles().count == 3)
    }

    @Test func unknownTopLevelKeyNamesKeyFileAndLine() {
        let text = message("name: x\ninputs: [a.txt]\nstagez:\n  - name: mine\n")
        #expect(text.contains("pipelines/test.yaml:3"))
        #expect(text.contains("unknown key 'stagez'"))
    }

    @Test func unknownStageParameterIsRefused() {
        let text = message("name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n    params:\n      min_char: 3\n")
        #expect(text.contains("pipelines/test.yaml:6"))
        #expect(text.contains("stages[0].params.min_char"))
        #expect(text.contains("unknown key 'min_char'"))
    }

    @Test func wrongTypeNamesTheExpectedType() {
        let text = message("name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n    params:\n      max_chars: lots\n")
        #expect(text.contains("stages[0].params.max_chars: expected an integer, found string"))
        let quoted = message("name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n    concurrency: \"2\"\n")
        #expect(quoted.contains("stages[0].concurrency: expected an integer, found string"))
    }

    @Test func outOfRangeAndUnknownKindAndSyntaxErrors() {
        #expect(message("name: x\ninputs: [a]\noutput:\n  zstd_level: 40\nstages:\n  - name: mine\n").contains("output.zstd_level: 40 is out of range 1...19"))
        #expect(message("name: x\ninputs: [a]\nstages:\n  - name: mine\n  - name: w\n    kind: wizard\n").contains("unknown stage kind 'wizard'"))
        #expect(message("name: x\nstages: [\n").contains("not valid YAML"))
        #expect(message("name: x\ninputs: [a]\nstages: []\n").contains("at least one stage"))
        #expect(message("name: x\ninputs: [a]\nstages:\n  - name: mine\n    params:\n      languages: [xx]\n").contains("stages[0].params.languages[0]"))
    }

    @Test func missingInputFileIsNamed() throws {
        let config = try load("name: x\ninputs: [does-not-exist.jsonl]\nstages:\n  - name: mine\n")
        #expect(throws: PipelineError.self) { try config.inputFiles() }
        do { _ = try config.inputFiles() } catch { #expect("\(error)".contains("does-not-exist.jsonl")) }
    }
}
