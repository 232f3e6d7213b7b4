import Decoder
import Foundation

/// Throughput of the decoder on one model, measured the way llama.cpp's `llama-bench`
/// (pp512, tg128) and `llama-batched-bench` (PP 128, TG 128, B sequences) measure it, so the
/// figures can be put side by side; plus the same batches through `BatchEngine`, the path a
/// build takes.
public struct DecodeBenchmark {
    public struct Batched: Codable, Sendable {
        public var sequences: Int
        /// Aggregate generated tokens per second over the decode steps (llama-batched-bench's S_TG).
        public var tokens_per_s: Double
        /// Prompt tokens per second while prefilling the B prompts together (S_PP).
        public var prompt_tokens_per_s: Double
    }

    public struct Engine: Codable, Sendable {
        public var sequences: Int
        /// Generated tokens per second, wall clock from submitting to the last completion (prefill included).
        public var tokens_per_s: Double
    }

    /// The figures, with the key names `lwdata bench decode --json` writes.
    public struct Report: Codable, Sendable {
        public var model: String
        public var model_bytes: Int
        public var threads: Int
        public var kernels: String
        public var pp512_tokens_per_s: Double
        public var tg128_tokens_per_s: Double
        public var batched: [Batched]
        public var engine: [Engine]
        /// Largest KV cache held at once (bytes), the batched run with the most sequences.
        public var kv_cache_bytes: Int
        public var peak_rss_bytes: Int
        public var repetitions: Int
    }

    public let model: LanguageModel
    public var repetitions = 3
    public var batchSizes = [1, 2, 4, 8, 16, 32]
    public var engineSizes = [1, 16]

    public init(model: LanguageModel) { self.model = model }

    /// Runs every measurement; `progress` receives a line per figure.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let llama = model.model
        let tokens = benchmarkTokens(count: 512)
        _ = try llama.forward(tokens: Array(tokens.prefix(32)), cache: llama.makeCache(capacity: 64))  // warm-up

        let pp = try median((0 ..< repetitions).map { _ in
            let cache = try llama.makeCache(capacity: 512)
            return try Double(512) / seconds { _ = try llama.forward(tokens: tokens, cache: cache) }
        })
        progress(String(format: "pp512: %.1f tokens/s", pp))

        let tg = try median((0 ..< repetitions).map { _ in
            let cache = try llama.makeCache(capacity: 128)
            return try Double(128) / seconds {
                for i in 0 ..< 128 { _ = try llama.forward(tokens: [tokens[i]], cache: cache) }
            }
        })
        progress(String(format: "tg128: %.1f tokens/s", tg))

        var batched: [Batched] = []
        var largestCache = 0
        for sequences in batchSizes {
            let caches = try (0 ..< sequences).map { _ in try llama.makeCache(capacity: 256) }
            largestCache = max(largestCache, caches.reduce(0) { $0 + $1.reservedBytes })
            let prompts = (0 ..< sequences).map { s in (0 ..< 128).map { tokens[(s * 7 + $0) % tokens.count] } }
            let prefill = try seconds {
                _ = try llama.forward(batch: zip(prompts, caches).map { SequenceStep(tokens: $0, cache: $1) })
            }
            let decode = try seconds {
                for step in 0 ..< 128 {
                    _ = try llama.forward(batch: caches.indices.map { SequenceStep(tokens: [tokens[(step + $0) % tokens.count]], cache: caches[$0]) })
                }
            }
            let figure = Batched(sequences: sequences, tokens_per_s: Double(sequences * 128) / decode,
                                 prompt_tokens_per_s: Double(sequences * 128) / prefill)
            batched.append(figure)
            progress(String(format: "batched %2d sequences: decode %.1f tokens/s, prefill %.1f tokens/s",
                            sequences, figure.tokens_per_s, figure.prompt_tokens_per_s))
        }

        var engine: [Engine] = []
        for sequences in engineSizes {
            let figure = Engine(sequences: sequences, tokens_per_s: try engineThroughput(sequences: sequences, tokens: tokens))
            engine.append(figure)
            progress(String(format: "engine %2d concurrent requests: %.1f tokens/s", sequences, figure.tokens_per_s))
        }

        let size = (try? FileManager.default.attributesOfItem(atPath: model.path)[.size] as? Int) ?? 0
        return Report(model: model.path, model_bytes: size ?? 0, threads: KernelInfo.threads,
                      kernels: KernelInfo.instructionSet, pp512_tokens_per_s: pp, tg128_tokens_per_s: tg,
                      batched: batched, engine: engine, kv_cache_bytes: largestCache,
                      peak_rss_bytes: Self.peakResidentBytes(), repetitions: repetitions)
    }

    /// `sequences` requests of 128 greedy tokens each (end tokens suppressed) submitted at once.
    private func engineThroughput(sequences: Int, tokens: [Int32]) throws -> Double {
        let engine = BatchEngine(model: model, settings: .init(maxSequences: sequences))
        let group = DispatchGroup()
        let failures = FailureBox()
        let parameters = SamplingParameters(temperature: 0, maxTokens: 128, minTokens: 128)
        let elapsed = seconds {
            for s in 0 ..< sequences {
                group.enter()
                // Distinct prompts, so no request reuses another's prefix.
                let prompt = [tokens[s % tokens.count]] + (0 ..< 63).map { tokens[(s * 13 + $0) % tokens.count] }
                engine.submit(promptTokens: prompt, parameters: parameters) { outcome in
                    if case .failure(let error) = outcome { failures.record(error) }
                    group.leave()
                }
            }
            group.wait()
        }
        if let error = failures.first { throw error }
        return Double(sequences * 128) / elapsed
    }

    /// Token ids of an English text, repeated to `count`.
    private func benchmarkTokens(count: Int) -> [Int32] {
        let text = "The history of the printing press shows how a single invention can change the way people read, "
            + "write, argue and learn. Before movable type, books were copied by hand, slowly and at great cost. "
        let ids = model.tokenizer.encode(text, parseSpecial: false)
        return (0 ..< count).map { ids[$0 % ids.count] }
    }



    /// Peak resident set size of this process (`getrusage`), in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    private final class FailureBox: @unchecked Sendable {
        // @unchecked: `error` is guarded by `lock`.
        private let lock = NSLock()
        private var error: Error?
        var first: Error? { lock.withLock { error } }
        func record(_ error: Error) { lock.withLock { if self.error == nil { self.error = error } } }
    }
}
