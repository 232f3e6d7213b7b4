import Messages
import Foundation

/// Counts model calls, retries, errors and tokens per stage and backend, and hands each call to a
/// sink as it happens (the build records it in the manifest at once, so the calls of a killed run
/// are not lost).
public final class UsageMeter: @unchecked Sendable {
    // @unchecked: `counts` and `sink` are guarded by `lock`.
    /// Counters of one stage and backend.
    public struct Counts: Sendable, Equatable {
        public var calls = 0
        public var cachedCalls = 0
        public var retries = 0
        public var errors = 0
        public var tokensIn = 0
        public var tokensOut = 0
        public init() {}

        mutating func add(_ other: Counts) {
            calls += other.calls
            cachedCalls += other.cachedCalls
            retries += other.retries
            errors += other.errors
            tokensIn += other.tokensIn
            tokensOut += other.tokensOut
        }
    }

    public struct Key: Hashable, Sendable {
        public var stage: String
        public var backend: String
    }

    private let lock = NSLock()
    private var counts: [Key: Counts] = [:]
    private var sink: (@Sendable (Key, Counts) -> Void)?

    public init() {}

    /// Where every call goes as it is recorded (its own counters: one call).
    public func onRecord(_ sink: (@Sendable (Key, Counts) -> Void)?) {
        lock.withLock { self.sink = sink }
    }

    /// Records one answer.
    public func record(stage: String, backend: String, _ output: GenerationOutput) {
        var call = Counts()
        if output.cached { call.cachedCalls = 1 } else {
            call.calls = 1
            call.retries = output.retries
            call.errors = output.finishReason == .error ? 1 : 0
            call.tokensIn = output.promptTokens
            call.tokensOut = output.completionTokens
        }
        let key = Key(stage: stage, backend: backend)
        let sink = lock.withLock {
            counts[key, default: Counts()].add(call)
            return self.sink
        }
        sink?(key, call)
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
