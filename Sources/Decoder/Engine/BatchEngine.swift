import Messages
import Foundation

/// Continuous batching on one model: generations submitted from any thread join a running
/// batch at the next step and leave it when they finish. Each step runs one token of every
/// decoding sequence plus a chunk of the prompts being prefilled through a single
/// `LlamaModel.forward(batch:)`, so the weights are read once per step for all of them.
///
/// The engine owns one thread while it has work (it stops after a short idle spell and starts
/// again on the next request). Text callbacks run on that thread and must return quickly.
public final class BatchEngine: @unchecked Sendable {
    // @unchecked: submissions and the running batch are guarded by `condition`; the model is shared read-only.
    /// Limits of one step.
    public struct Settings: Sendable {
        /// Sequences decoding together; more wait in a queue.
        public var maxSequences: Int
        /// Prompt tokens of one sequence run in one step.
        public var prefillChunk: Int
        /// Tokens of one step (decode tokens first, prompt chunks fill the rest).
        public var stepTokens: Int

        public init(maxSequences: Int = 32, prefillChunk: Int = 256, stepTokens: Int = 512) {
            self.maxSequences = max(1, maxSequences)
            self.prefillChunk = max(1, prefillChunk)
            self.stepTokens = max(1, stepTokens)
        }
    }

    public let model: LanguageModel
    public let settings: Settings
    private let condition = NSCondition()
    private var waiting: [Request] = []
    private var running = false
    /// Seconds without work after which the thread ends.
    private static let idleSeconds = 2.0

    public init(model: LanguageModel, settings: Settings = Settings()) {
        self.model = model
        self.settings = settings
    }

    /// Queues a generation of `promptTokens`; `completion` runs once, on the engine thread,
    /// with the result or the error (`GenerationFailure.cancelled` once `isCancelled` turns true).
    public func submit(promptTokens: [Int32], parameters: SamplingParameters,
                       isCancelled: @escaping @Sendable () -> Bool = { false },
                       onText: @escaping (String) -> Void = { _ in },
                       completion: @escaping (Result<GenerationResult, Error>) -> Void) {
        let request = Request(prompt: promptTokens, parameters: parameters, isCancelled: isCancelled,
                              onText: onText, completion: completion)
        condition.lock()
        waiting.append(request)
        if !running {
            running = true
            let thread = Thread { [self] in loop() }
            thread.name = "lwdata.engine"
            thread.stackSize = 8 << 20
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    /// Generates a reply to `messages`, waiting for the result on the calling thread.
    public func generate(_ messages: [ChatMessage], parameters: SamplingParameters,
                         onText: @escaping (String) -> Void = { _ in }) throws -> GenerationResult {
        let done = DispatchSemaphore(value: 0)
        var outcome: Result<GenerationResult, Error>?
        submit(promptTokens: model.promptTokens(messages), parameters: parameters, onText: onText) {
            outcome = $0
            done.signal()
        }
        done.wait()
        return try outcome!.get()
    }

    private final class Request {
        let prompt: [Int32]
        let parameters: SamplingParameters
        let isCancelled: @Sendable () -> Bool
        let onText: (String) -> Void
        let completion: (Result<GenerationResult, Error>) -> Void
        var sequence: SequenceDecoder?

        init(prompt: [Int32], parameters: SamplingParameters, isCancelled: @escaping @Sendable () -> Bool,
             onText: @escaping (String) -> Void, completion: @escaping (Result<GenerationResult, Error>) -> Void) {
            self.prompt = prompt
            self.parameters = parameters
            self.isCancelled = isCancelled
            self.onText = onText
            self.completion = completion
        }
    }

    private func loop() {
        var active: [Request] = []
        while true {
            condition.lock()
            while active.isEmpty && waiting.isEmpty {
                if !condition.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds)) && waiting.isEmpty {
                    running = false
                    condition.unlock()
                    return
                }
            }
            var admitted: [Request] = []
            while active.count + admitted.count < settings.maxSequences && !waiting.isEmpty {
                admitted.append(waiting.removeFirst())
            }
            condition.unlock()
            for request in admitted {
                if request.isCancelled() { request.completion(.failure(GenerationFailure.cancelled)); continue }
                do {
                    let sequence = try SequenceDecoder(model: model, prompt: request.prompt, parameters: request.parameters,
                                                       prefixCaches: model.prefixCaches, onText: request.onText)
                    request.sequence = sequence
                    if sequence.isFinished { finish(request) } else { active.append(request) }
                } catch {
                    request.completion(.failure(error))
                }
            }
            active = step(active)
        }
    }

    /// Runs one forward step for `active` and returns the requests still running.
    private func step(_ active: [Request]) -> [Request] {
        var remaining: [Request] = []
        for request in active {
            if request.isCancelled() {
                model.prefixCaches.put(request.sequence!.cache, tokens: request.sequence!.history)
                request.completion(.failure(GenerationFailure.cancelled))
            } else {
                remaining.append(request)
            }
        }
        // Decoding sequences always advance; prompts fill what is left of the step's tokens.
        var budget = settings.stepTokens - remaining.filter { !$0.sequence!.isPrefilling }.count
        var stepped: [Request] = []
        var steps: [SequenceStep] = []
        for request in remaining {
            let sequence = request.sequence!
            if sequence.isPrefilling {
                guard budget > 0 else { continue }
                let step = sequence.nextInput(limit: min(settings.prefillChunk, budget))
                budget -= step.tokens.count
                steps.append(step)
            } else {
                steps.append(sequence.nextInput(limit: 1))
            }
            stepped.append(request)
        }
        guard !steps.isEmpty else { return remaining }
        let outputs: [[Float]?]
        do {
            outputs = try model.model.forward(batch: steps)
        } catch {
            for request in stepped { request.completion(.failure(error)) }
            let failed = Set(stepped.map(ObjectIdentifier.init))
            return remaining.filter { !failed.contains(ObjectIdentifier($0)) }
        }
        var finished = Set<ObjectIdentifier>()
        for (request, output) in zip(stepped, outputs) {
            guard var logits = output else { continue }
            do {
                if try request.sequence!.accept(&logits) {
                    finish(request)
                    finished.insert(ObjectIdentifier(request))
                }
            } catch {
                request.completion(.failure(error))
                finished.insert(ObjectIdentifier(request))
            }
        }
        return remaining.filter { !finished.contains(ObjectIdentifier($0)) }
    }

    private func finish(_ request: Request) {
        let sequence = request.sequence!
        model.prefixCaches.put(sequence.cache, tokens: sequence.history)
        request.completion(.success(sequence.result))
    }
}
