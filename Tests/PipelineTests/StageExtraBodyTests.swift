import Foundation
import Generation
import Logging
import Messages
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

/// A model stage's own `params.extra_body`: request fields only that stage's calls carry, over the
/// model's `extra_body` (llama-server's `ignore_eos` or `repeat_penalty` for `write` alone).
@Suite struct StageExtraBodyTests {
    /// A pipeline file beside the repository's pipelines, so the stages find their default prompts.
    func load(_ yaml: String) throws -> PipelineConfig {
        try PipelineConfig(document: ConfigDocument(file: Repository.path("pipelines/stage-extra-body.yaml"), text: yaml))
    }

    func pipeline(baseURL: String, modelExtra: String = "{repeat_penalty: 1.1, top_k: 40}") -> String {
        """
        name: x
        inputs: [a.jsonl]
        model:
          backend: openai
          base_url: \(baseURL)
          name: m
          max_retries: 0
          extra_body: \(modelExtra)
        stages:
          - name: mine
          - name: write
            params:
              extra_body: {ignore_eos: true, repeat_penalty: 1.3, logit_bias: {"2": -100}}
          - name: write-plain
            kind: write

        """
    }

    func message(_ yaml: String) -> String {
        do { _ = try load(yaml); return "no error" } catch { return "\(error)" }
    }

    @Test func aStagesExtraBodyIsReadAndCheckedAgainstItsBackend() throws {
        let config = try load(pipeline(baseURL: "http://gpu:8000"))
        let stages = try StageRegistry.build(config, modelIdentity: "openai:m")
        let write = try #require(stages[1].stage as? WriteStage), plain = try #require(stages[2].stage as? WriteStage)
        let extra = try #require(write.settings.sampling.extraBody)
        #expect(extra == #"{"ignore_eos":true,"logit_bias":{"2":-100},"repeat_penalty":1.3}"#)
        #expect(plain.settings.sampling.extraBody == nil)
        #expect(stages[1].configHash != stages[2].configHash, "the stage's extra_body is part of its config hash")

        let builtin = "name: x\ninputs: [a]\nstages:\n  - name: mine\n  - name: write\n    params:\n      extra_body: {ignore_eos: true}\n"
        #expect(message(builtin).contains("stages[1].params.extra_body: 'extra_body' is for a stage whose model has backend: openai"))
        let notObject = pipeline(baseURL: "http://gpu:8000").replacingOccurrences(of: "{ignore_eos: true, repeat_penalty: 1.3, logit_bias: {\"2\": -100}}", with: "7")
        let stagesError: String
        do { _ = try StageRegistry.build(try load(notObject)); stagesError = "no error" } catch { stagesError = "\(error)" }
        #expect(stagesError.contains("stages[1].params.extra_body: expected an object of request fields, found 7"), "\(stagesError)")
        // A stage with its own openai model may carry extra_body under a builtin pipeline.
        let own = "name: x\ninputs: [a]\nstages:\n  - name: mine\n  - name: write\n    model: {backend: openai, base_url: http://g:1, name: m}\n"
            + "    params:\n      extra_body: {ignore_eos: true}\n"
        #expect(message(own) == "no error")
        #expect(message(pipeline(baseURL: "http://g:1").replacingOccurrences(of: "  max_retries: 0\n", with: "  min_tokens: eos\n"))
            .contains("model.min_tokens: expected field or ignore_eos, found 'eos'"))
        #expect(try load(pipeline(baseURL: "http://g:1").replacingOccurrences(of: "  max_retries: 0\n", with: "  min_tokens: ignore_eos\n"))
            .model.openai?.minTokens == .ignoreEOS)
    }

    /// Both write stages run on one record against a loopback server: each request carries the
    /// model's `extra_body`, and only the `write` stage's carry its own fields, which win over the model's.
    @Test func onlyTheStagesOwnRequestsCarryItsFields() async throws {
        let server = try RecordingServer()
        defer { server.stop() }
        let config = try load(pipeline(baseURL: server.baseURL))
        let stages = try StageRegistry.build(config, modelIdentity: "openai:m")
        var backendConfig = try #require(config.model.openai)
        backendConfig.timeout = 120
        let handle = ModelHandle(identity: "openai:m", backendName: "openai", generator: try OpenAIBackend(config: backendConfig),
                                 contextTokens: 8192, countTokens: ModelHandle.estimateTokens, enforcesFormat: false, meter: UsageMeter())
        let context = StageContext(runID: "r", pipeline: config, logger: Logger(label: "test"), cancellation: Cancellation(),
                                   models: ModelSet(pipeline: handle))
        let record = Record(id: "q1", fields: [
            "query": "Write a short history of a harbour town.", "language": "en",
            "plan": [["main_point": "The town's founding", "word_count": 40], ["main_point": "Its trade in later years", "word_count": 40]],
        ])
        for (index, stage) in [(1, "write"), (2, "write-plain")] {
            guard case .map(let map) = stages[index].shape else { Issue.record("\(stage) is not a map stage"); return }
            let outcome = try await map.process(record, context: context)
            guard case .records(let written) = outcome else { Issue.record("\(stage): \(outcome)"); return }
            #expect((written.first?["response"]?.string).map { $0.split(separator: " ").count >= 40 } == true)
        }
        let bodies = server.bodies()
        let write = bodies.filter { ($0["ignore_eos"] as? Bool) == true }, plain = bodies.filter { $0["ignore_eos"] == nil }
        #expect(write.count == 2 && plain.count == 2, "two sections each: \(bodies.count) requests")
        for body in write {
            #expect(body["repeat_penalty"] as? Double == 1.3, "the stage's field wins over the model's")
            #expect((body["logit_bias"] as? [String: Any])?["2"] as? Int == -100)
        }
        for body in write + plain {
            #expect(body["top_k"] as? Int == 40, "the model's extra_body reaches every stage")
            #expect(body["repetition_penalty"] as? Double == 1.1 && (body["max_tokens"] as? Int ?? 0) > 40, "lwdata's own fields stay")
        }
        for body in plain { #expect(body["repeat_penalty"] as? Double == 1.1) }
    }
}

/// A loopback chat-completions server that keeps every request body and answers each with the
/// next of a few distinct paragraphs.
final class RecordingServer: @unchecked Sendable {  // `received` and `count` are guarded by `lock`
    private var server: HTTPServer?
    private let lock = NSLock()
    private var received: [[String: Any]] = []
    private var count = 0
    var baseURL: String { "http://127.0.0.1:\(server?.port ?? 0)" }

    static let paragraphs = [
        "Fishermen built the first huts on the dunes where the river met the bay. They dried their nets on poles, traded salt "
            + "for grain with farmers upstream, and raised a small chapel of driftwood that stood for ninety winters.",
        "Merchant ships came once the channel was dredged. Warehouses of red brick rose along the quay, a customs house "
            + "kept ledgers of wool and wine, and the market square filled every Thursday with voices from a dozen ports.",
        "A storm in the autumn of the great flood tore away half the pier. The townspeople rebuilt it in stone, widened "
            + "the harbour mouth, and lit a lantern on the breakwater that sailors could see from far along the coast.",
        "Railways later carried the catch inland overnight. Canneries opened beside the station, children learned to mend "
            + "sails before they could read, and the old chapel became a school with a bell from a wrecked schooner.",
    ]

    init() throws {
        nonisolated(unsafe) weak var weakSelf: RecordingServer?
        server = try HTTPServer(host: "127.0.0.1", port: 0) { request, responder in
            guard let self = weakSelf else { return }
            // No model list (the backend asks /v1/models once for a max_model_len).
            guard request.method == "POST", request.path == "/v1/chat/completions" else {
                responder.sendError(status: 404, message: "not found")
                return
            }
            let text = self.keep(request.body)
            let answer = #"{"id":"x","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":"#
                + #"{"role":"assistant","content":"\#(text)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":60,"total_tokens":110}}"#
            responder.send(status: 200, headers: ["Content-Type": "application/json"], body: Data(answer.utf8))
        }
        weakSelf = self
        server?.start()
    }

    private func keep(_ body: Data) -> String {
        lock.withLock {
            received.append((try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:])
            count += 1
            return Self.paragraphs[(count - 1) % Self.paragraphs.count]
        }
    }

    func bodies() -> [[String: Any]] { lock.withLock { received } }

    func stop() { server?.stop() }
}
