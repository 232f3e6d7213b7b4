import Foundation
import Testing
@testable import Decoder
import Messages

/// The continuous-batching engine on the default model: requests running together (joining
/// and leaving the batch at different steps, prompts prefilled in chunks) give exactly what
/// each gives alone, since every row's arithmetic is independent of the other rows.
@Suite("Batch engine", .serialized)
struct BatchEngineTests {
    static let model: LanguageModel? = try? LanguageModel(path: ModelLocator.existingModelPath(), cachedSequences: 0)

    struct Job {
        var messages: [ChatMessage]
        var parameters: SamplingParameters
    }

    static let jobs: [Job] = [
        Job(messages: [ChatMessage(role: "user", content: "What is the capital of Japan?")],
            parameters: SamplingParameters(temperature: 0, maxTokens: 20)),
        Job(messages: [ChatMessage(role: "user", content: "Write a short poem about the sea.")],
            parameters: SamplingParameters(temperature: 0.8, seed: 4, maxTokens: 48, minTokens: 30)),
        Job(messages: [ChatMessage(role: "user", content: "Is a 5,000-word history of Rome a long answer?")],
            parameters: SamplingParameters(temperature: 0.7, seed: 9, maxTokens: 40, responseFormat: .booleanLabel())),
        Job(messages: [ChatMessage(role: "user", content: String(repeating: "Explain how tides work and why there are two a day. ", count: 12))],
            parameters: SamplingParameters(temperature: 0, maxTokens: 33, stopStrings: ["\n\n"])),
        Job(messages: [ChatMessage(role: "user", content: "List three fruits.")],
            parameters: SamplingParameters(temperature: 1.0, topK: 20, seed: 1, maxTokens: 25)),
    ]

    /// Submits every job at once and waits for all.
    static func runTogether(_ engine: BatchEngine, _ jobs: [Job], cancelAfter: [Int: Int] = [:]) -> [Result<GenerationResult, Error>] {
        let group = DispatchGroup()
        let lock = NSLock()
        var results = [Result<GenerationResult, Error>?](repeating: nil, count: jobs.count)
        for (i, job) in jobs.enumerated() {
            group.enter()
            let pieces = PieceCounter()
            let limit = cancelAfter[i]
            engine.submit(promptTokens: engine.model.promptTokens(job.messages), parameters: job.parameters,
                          isCancelled: { limit.map { pieces.count >= $0 } ?? false },
                          onText: { _ in pieces.increment() }) { outcome in
                lock.withLock { results[i] = outcome }
                group.leave()
            }
        }
        group.wait()
        return results.map { $0! }
    }

    final class PieceCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        var count: Int { lock.withLock { value } }
        func increment() { lock.withLock { value += 1 } }
    }

    @Test("requests decoded together, prompts in small chunks, equal each request decoded alone")
    func batchedEqualsAlone() throws {
        let model = try #require(Self.model, "default model missing")
        let alone = try Self.jobs.map { try model.generate($0.messages, parameters: $0.parameters) }
        // Small chunks and step budget: prompts take several steps, sequences join and leave at different steps.
        let engine = BatchEngine(model: model, settings: .init(maxSequences: 4, prefillChunk: 16, stepTokens: 40))
        let together = Self.runTogether(engine, Self.jobs)
        for (i, (expected, outcome)) in zip(alone, together).enumerated() {
            let result = try outcome.get()
            #expect(result.text == expected.text, "job \(i): batched \(result.text.debugDescription), alone \(expected.text.debugDescription)")
            #expect(result.tokens == expected.tokens && result.stopReason == expected.stopReason, "job \(i)")
            #expect(result.promptTokens == expected.promptTokens)
        }
        #expect(alone.contains { $0.stopReason == .stop } && alone.contains { $0.stopReason == .length })
    }

    @Test("a cancelled request ends with .cancelled while the others finish; a bad request fails alone")
    func cancellationAndFailure() throws {
        let model = try #require(Self.model, "default model missing")
        let engine = BatchEngine(model: model, settings: .init(maxSequences: 8))
        var jobs = Array(Self.jobs.prefix(3))
        jobs[1].parameters.minTokens = 48
        let tooLong = Job(messages: [ChatMessage(role: "user", content: String(repeating: "word ", count: 9000))],
                          parameters: SamplingParameters(maxTokens: 8))
        let results = Self.runTogether(engine, jobs + [tooLong], cancelAfter: [1: 5])
        #expect(throws: GenerationFailure.cancelled) { try results[1].get() }
        #expect(throws: GenerationFailure.self) { try results[3].get() }
        #expect(try results[0].get().text.contains("Tokyo"))
        #expect(try results[2].get().completionTokens > 0)
    }
}
