import BuiltinGeneration
import Decoder
import Foundation
import Generation
import Logging
import Messages
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

/// Section relevance and best-of-N on the real parts: the installed sentence encoder, and the
/// `write` stage on the default model through the built-in engine.
@Suite(.serialized) struct SectionRelevanceTests {
    static let encoder: SentenceEncoder? = (try? EncoderLocator.existingDirectory()).flatMap { $0 }.flatMap { try? SentenceEncoder(directory: $0, threads: 2) }
    static let backend: BuiltinBackend? = try? BuiltinBackend(modelPath: try ModelLocator.existingModelPath())

    func requireEncoder() throws -> SentenceEncoder {
        try #require(Self.encoder, "sentence encoder not installed: run scripts/setup.sh (or set LWDATA_ENCODER)")
    }

    static let instruction = "Write a practical guide to keeping a sourdough starter alive and active in a home kitchen."

    @Test func anOnTopicSectionScoresAboveAnOffTopicOne() throws {
        let scorer = RelevanceScorer(embedder: try requireEncoder(), instruction: Self.instruction)
        let onTopic = """
            Feed the starter once a day with equal weights of flour and water, and keep it in a warm spot of the kitchen.

            A healthy starter doubles within six hours of feeding and smells pleasantly sour; if it turns grey, discard most of it and feed it again.
            """
        let offTopic = """
            The midfielder scored twice in the second half, and the crowd stayed on its feet until the final whistle.

            After the match the coach praised the defence and said the team would rest before the cup game on Sunday.
            """
        let scores = scorer.score([onTopic, offTopic], point: "Daily feeding routine for the starter")
        #expect(scores[0].paragraphs == 2 && scores[1].paragraphs == 2)
        #expect(scores[0].instruction > scores[1].instruction + 0.2, "\(scores)")
        #expect(scores[0].plan > scores[1].plan + 0.2, "\(scores)")
        #expect(scores[0].offTopicParagraphs == 0 && scores[1].offTopicParagraphs == 2, "\(scores)")
        #expect(scores[1].instruction < RelevanceScorer.offTopicCosine && scores[0].score > 0.35, "\(scores)")
    }

    /// The write stage with `params` on the default model and the encoder `encoder`, writing one
    /// record of a two-step plan with short steps (a few dozen tokens each).
    func write(_ params: String, encoder: EncoderHandle) async throws -> StageOutcome {
        let backend = try #require(Self.backend, "default model not installed: run scripts/setup.sh")
        let text = "name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n  - name: write\n    params: {\(params)}\n"
        let config = try PipelineConfig(document: ConfigDocument(file: Repository.path("pipelines/x.yaml"), text: text))
        let settings = try WriteSettings(config.stages[1].params.restricted(to: WriteSettings.keys), pipeline: config)
        let handle = ModelHandle(identity: "builtin:test", backendName: "builtin", generator: backend, contextTokens: backend.contextTokens,
                                 countTokens: backend.countTokens, enforcesFormat: true, meter: UsageMeter())
        let context = StageContext(runID: "t", pipeline: config, logger: Logger(label: "test"), cancellation: Cancellation(),
                                   models: ModelSet(pipeline: handle, encoder: encoder))
        let record = Record(id: "r1", fields: [
            "query": .string(Self.instruction), "language": "latin",
            "plan": [["main_point": "Feeding the starter every day with flour and water", "word_count": 20],
                     ["main_point": "Signs of a healthy, active starter", "word_count": 20]],
        ])
        return try await WriteStage(name: "write", settings: settings).process(record, context: context)
    }

    @Test func bestOfNKeepsTheHighestScoringPassingCandidateAndRecordsEveryScore() async throws {
        let encoder = try requireEncoder()
        // Every section is below a threshold of 1, so every step is rewritten.
        let outcome = try await write("relevance: on, min_section_relevance: 1.0, best_of: 3", encoder: EncoderHandle(encoder))
        guard case .records(let records) = outcome, let written = records.first else { Issue.record("rejected: \(outcome)"); return }
        let steps = try #require(written["write_meta"]?["steps"]?.array)
        #expect(steps.count == 2)
        for (index, step) in steps.enumerated() {
            let candidates = try #require(step["candidates"]?.array)
            #expect(candidates.count == 3)
            let scores = candidates.map { $0["score"]?.double ?? -2 }
            let passed = candidates.map { $0["passed"]?.bool ?? false }
            #expect(passed[0], "the first draft passed the cleaners before it was scored")
            let best = try #require(scores.indices.filter { passed[$0] }.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) })
            #expect(step["chosen"]?.int == best, "step \(index): scores \(scores), passed \(passed)")
            #expect(step["relevance"]?["score"]?.double == scores[best])
            // The kept text is the chosen candidate's.
            #expect(step["words"]?.int == candidates[best]["words"]?.int)
        }
        let meta = try #require(written["write_meta"]?["relevance"])
        #expect(meta["best_of"]?.int == 3 && meta["rewritten_steps"]?.int == 2 && meta["encoder"]?.string == encoder.identity)
    }

    @Test func aSectionAboveTheThresholdIsScoredAndKept() async throws {
        let outcome = try await write("relevance: auto, min_section_relevance: -1.0, best_of: 3", encoder: EncoderHandle(try requireEncoder()))
        guard case .records(let records) = outcome, let written = records.first else { Issue.record("rejected: \(outcome)"); return }
        for step in try #require(written["write_meta"]?["steps"]?.array) {
            #expect(step["candidates"] == nil)
            let score = try #require(step["relevance"]?["score"]?.double)
            #expect(score > -1 && score < 1)
        }
        #expect(written["write_meta"]?["relevance"]?["rewritten_steps"]?.int == 0)
    }

    @Test func withoutTheEncoderAutoWritesUnscoredAndOnFails() async throws {
        let outcome = try await write("relevance: auto, best_of: 3", encoder: .none)
        guard case .records(let records) = outcome, let written = records.first else { Issue.record("rejected: \(outcome)"); return }
        #expect(written["write_meta"]?["relevance"] == nil)
        #expect(try #require(written["write_meta"]?["steps"]?.array).allSatisfy { $0["relevance"] == nil })
        await #expect(throws: EncoderHandle.Failure.self) { _ = try await write("relevance: on", encoder: .none) }
    }
}
