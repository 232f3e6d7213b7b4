import Foundation
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

@Suite struct PromptTemplateTests {
    @Test func splitsMessagesAndFillsSlots() throws {
        let template = try PromptTemplate(file: "p.txt", text: """
            A comment line that is not part of any message.
            [system]
            Be brief.
            [user]
            Q: 2+2?
            [assistant]
            4
            [user]
            Q: {{query}} ({{ words }} words)
            """)
        #expect(template.messages.map(\.role) == ["system", "user", "assistant", "user"])
        #expect(template.slots == ["query", "words"])
        let messages = try template.render(["query": "Why is the sky blue?", "words": "300"])
        #expect(messages.last?.content == "Q: Why is the sky blue? (300 words)")
        // A value is inserted as it is, never scanned for slots again.
        #expect(try template.render(["query": "{{words}}", "words": "1"]).last?.content == "Q: {{words}} (1 words)")
        #expect(throws: PipelineError.self) { _ = try template.render(["query": "x"]) }
        #expect(throws: PipelineError.self) { _ = try PromptTemplate(file: "bad.txt", text: "[user]\nhi\n[assistant]\nthere") }
    }

    @Test func shippedPromptsLoadAndUseTheirSlots() throws {
        let expected: [String: Set<String>] = [
            "predict_length_step1.txt": ["query"], "predict_length_step2.txt": ["query"],
            "plan_json.txt": ["instruction", "words"], "plan_lines.txt": ["instruction", "words"],
            "write.txt": ["instruction", "plan", "text", "step"],
        ]
        for (file, slots) in expected {
            let template = try PromptTemplate(file: Repository.path("pipelines/prompts/" + file))
            #expect(template.slots == slots, "\(file)")
        }
    }
}

@Suite struct ModelConfigTests {
    func load(_ yaml: String) throws -> PipelineConfig {
        try PipelineConfig(document: ConfigDocument(file: "m.yaml", text: yaml))
    }

    @Test func switchingBackendIsOneKey() throws {
        let builtin = try load("name: x\ninputs: [a]\nmodel:\n  backend: builtin\nstages:\n  - name: mine\n")
        #expect(builtin.model.backend == .builtin && builtin.model.openai == nil)
        let openai = try load("name: x\ninputs: [a]\nmodel:\n  backend: openai\n  base_url: http://gpu:8000\n  name: Qwen/Qwen2.5-7B-Instruct\n  api_key_env: VLLM_KEY\nstages:\n  - name: mine\n")
        #expect(openai.model.backend == .openai)
        #expect(openai.model.openai?.endpoint?.absoluteString == "http://gpu:8000/v1/chat/completions")
        #expect(openai.model.openai?.apiKeyEnvironmentVariable == "VLLM_KEY")
    }

    @Test func misplacedModelKeysAreNamed() {
        func message(_ yaml: String) -> String {
            do { _ = try load(yaml); return "no error" } catch { return "\(error)" }
        }
        #expect(message("name: x\nmodel:\n  backend: builtin\n  base_url: http://x\nstages:\n  - name: mine\n").contains("model.base_url: 'base_url' is for backend: openai"))
        #expect(message("name: x\nmodel:\n  backend: openai\n  name: m\nstages:\n  - name: mine\n").contains("needs base_url"))
        #expect(message("name: x\nmodel:\n  backend: gpu\nstages:\n  - name: mine\n").contains("expected builtin or openai"))
        #expect(message("name: x\nmodel:\n  backnd: openai\nstages:\n  - name: mine\n").contains("unknown key 'backnd'"))
    }

    @Test func longwriterPipelineBuildsItsStages() throws {
        let config = try PipelineConfig.load(file: Repository.path("pipelines/longwriter.yaml"))
        let stages = try StageRegistry.build(config, modelIdentity: "test-model")
        #expect(stages.map(\.kind) == ["mine", "predict-length", "plan", "write", "judge", "dedup-filter", "export"])
        #expect(StageRegistry.needsModel(config))
        // The model identity is part of every model stage's cache key, and of no other stage's.
        let other = try StageRegistry.build(config, modelIdentity: "another-model")
        #expect(stages[1].configHash != other[1].configHash)
        #expect(stages[5].configHash == other[5].configHash)
    }
}
