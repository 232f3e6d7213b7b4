import Foundation
import Generation
import Testing
@testable import Pipeline

/// `model.extra_body` in a pipeline file: an object of request fields for the openai backend.
@Suite struct ExtraBodyConfigTests {
    func load(_ yaml: String) throws -> PipelineConfig {
        try PipelineConfig(document: ConfigDocument(file: "m.yaml", text: yaml))
    }

    let head = "name: x\ninputs: [a]\nmodel:\n  backend: openai\n  base_url: http://gpu:8000\n  name: m\n"

    @Test func extraBodyReachesTheBackendConfig() throws {
        let config = try load(head + "  extra_body:\n    top_k: 20\n    structured_outputs: {regex: '[a-z]+'}\nstages:\n  - name: mine\n")
        let text = try #require(config.model.openai?.extraBody?.text)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["top_k"] as? Int == 20)
        #expect((object?["structured_outputs"] as? [String: Any])?["regex"] as? String == "[a-z]+")
    }

    @Test func aNonObjectOrTheBuiltinBackendIsAnErrorNamingTheKey() {
        func message(_ yaml: String) -> String {
            do { _ = try load(yaml); return "no error" } catch { return "\(error)" }
        }
        #expect(message(head + "  extra_body: 5\nstages:\n  - name: mine\n").contains("model.extra_body: expected an object"))
        #expect(message("name: x\nmodel:\n  backend: builtin\n  extra_body: {top_k: 2}\nstages:\n  - name: mine\n")
            .contains("'extra_body' is for backend: openai"))
    }
}
