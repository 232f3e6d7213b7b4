import Messages
import Foundation

/// Counts model calls, retries, errors and tokens per stage and backend.
public final class UsageMeter: @unchecked Sendable {
    /// Counters of one stage and backend.
    public struct Counts: Sendable, Equatable {
        public var calls = 0
        public var cachedCalls = 0
        public var retries = 0
        public var errors = 0
        public var tokensIn = 0
        public var tokensOut = 0
        public init() {}
    }

    public struct Key: Hashable, Sendable {
        public var stage: String
        public var backend: String
    }

    private let lock = NSLock()
    private var counts: [Key: Counts] = [:]

    public init() {}

    /// Records one answer.
    public func record(stage: String, backend: String, _ output: GenerationOutput) {
        lock.withLock {
            var c = counts[Key(stage: stage, backend: backend), default: Counts()]
            if output.cached { c.cachedCalls += 1 } else {
                c.calls += 1
                c.retries += output.retries
                if output.finishReason == .error { c.errors += 1 }
                c.tokensIn += output.promptTokens
                c.tokensOut += output.completionTokens
            }
            counts[Key(stage: stage, backend: backend)] = c
        }
    }

    /// Returns the counters gathered since the last call and starts again from zero.
    public func drain() -> [Key: Counts] {
        lock.withLock {
            defer { counts = [:] }
            return counts
        }
    }
}

/// A `TextGenerator` that reports every answer to a `UsageMeter` under a stage's name.
public struct MeteredGenerator: TextGenerator {
    public let inner: TextGenerator
    public let meter: UsageMeter
    public let stage: String
    public let backend: String
    public var identity: String { inner.identity }

    public init(inner: TextGenerator, meter: UsageMeter, stage: String, backend: String) {
        self.inner = inner
        self.meter = meter
        self.stage = stage
        self.backend = backend
    }

    public func generate(_ messages: [ChatMessage], parameters: GenerationParameters) async throws -> GenerationOutput {
        let output = try await inner.generate(messages, parameters: parameters)
        meter.record(stage: stage, backend: backend, output)
        return output
    }
}
