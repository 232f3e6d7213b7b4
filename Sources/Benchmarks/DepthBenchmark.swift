import Decoder
import Foundation

/// Decode and prompt speed with long contexts already cached, measured as llama.cpp's
/// `llama-batched-bench -npp N -ntg 64` (decode) and `llama-bench -p 512 -d N` (prompt) do,
/// each figure beside the ceiling the machine's memory bandwidth puts on it.
///
/// One sequence is prefilled to each depth; the other sequences start from copies of its cache
/// (prefill is not what is measured). A decode step reads every weight once and every
/// sequence's cached keys and values once, so tokens/s ≤ sequences × bandwidth ÷ those bytes.
public struct DepthBenchmark {
    /// Decode of `sequences` sequences with `depth` tokens cached each.
    public struct Decode: Codable, Sendable {
        public var depth: Int
        public var sequences: Int
        /// Generated tokens per second over all sequences (llama-batched-bench's S_TG).
        public var tokens_per_s: Double
        /// Bytes a step reads: the weights once, and each sequence's keys and values.
        public var bytes_per_step: Double
        /// Tokens/s if a step cost only reading those bytes at the measured bandwidth.
        public var ceiling_tokens_per_s: Double
    }

    /// Prompt processing at a depth: `tokens` more prompt tokens after `depth` cached ones.
    public struct Prompt: Codable, Sendable {
        public var depth: Int
        public var tokens: Int
        public var tokens_per_s: Double
        /// The depth's own prompt, prefilled from an empty cache in one call (tokens/s).
        public var prefill_tokens_per_s: Double
    }

    /// The figures, with the key names `lwdata bench decode --depth … --json` writes.
    public struct Report: Codable, Sendable {
        public var model: String
        public var model_bytes: Int
        public var threads: Int
        public var kernels: String
        /// Bytes per second a parallel read of a 512 MB buffer reaches on this machine now.
        public var bandwidth_bytes_per_s: Double
        /// Cached key and value bytes per token of one sequence (every layer).
        public var kv_bytes_per_token: Int
        public var steps: Int
        public var decode: [Decode]
        public var prompt: [Prompt]
        public var peak_rss_bytes: Int
        public var repetitions: Int
    }

    public let model: LanguageModel
    public var depths = [128, 2048, 4096]
    public var batchSizes = [1, 4, 16, 32]
    /// Decode steps measured after each depth (as `-ntg 64`).
    public var steps = 64
    /// Prompt tokens run at each depth (as `-p 512`).
    public var promptTokens = 512
    public var repetitions = 3

    public init(model: LanguageModel) { self.model = model }

    /// Runs every measurement; `progress` receives a line per figure.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        let llama = model.model
        let c = llama.configuration
        let modelBytes = (try? FileManager.default.attributesOfItem(atPath: model.path)[.size] as? Int) ?? 0
        let bandwidth = Self.readBandwidth()
        progress(String(format: "memory read bandwidth: %.1f GB/s (%d threads)", bandwidth / 1e9, KernelInfo.threads))
        let tokens = benchmarkTokens(count: (depths.max() ?? 0) + max(promptTokens, steps) + 64)
        _ = try llama.forward(tokens: Array(tokens.prefix(32)), cache: llama.makeCache(capacity: 64))  // warm-up

        var decode: [Decode] = []
        var prompt: [Prompt] = []
        var kvBytesPerToken = 0
        for depth in depths {
            let base = try llama.makeCache(capacity: depth + max(promptTokens, steps))
            kvBytesPerToken = c.blockCount * 2 * c.keyValueWidth * (base.halfPrecision ? 2 : 4)
            let prefill = try seconds { _ = try llama.forward(tokens: Array(tokens[0 ..< depth]), cache: base) }
            let more = Array(tokens[depth ..< depth + promptTokens])
            let pp = try median((0 ..< repetitions).map { _ in
                base.truncate(to: depth)
                return try Double(promptTokens) / seconds { _ = try llama.forward(tokens: more, cache: base) }
            })
            base.truncate(to: depth)
            prompt.append(Prompt(depth: depth, tokens: promptTokens, tokens_per_s: pp, prefill_tokens_per_s: Double(depth) / prefill))
            progress(String(format: "depth %5d: pp%d %.1f tokens/s (prefill of the %d from empty: %.1f tokens/s)",
                            depth, promptTokens, pp, depth, Double(depth) / prefill))
            for sequences in batchSizes {
                let caches = try (0 ..< sequences).map { _ in try llama.makeCache(capacity: depth + steps) }
                let rate = try median((0 ..< repetitions).map { _ in
                    for cache in caches { cache.copyPositions(from: base) }
                    return try Double(sequences * steps) / seconds {
                        for step in 0 ..< steps {
                            _ = try llama.forward(batch: caches.indices.map { s in
                                SequenceStep(tokens: [tokens[(depth + step + 7 * s) % tokens.count]], cache: caches[s])
                            })
                        }
                    }
                })
                let bytes = Double(modelBytes) + Double(sequences * kvBytesPerToken) * (Double(depth) + Double(steps) / 2)
                let figure = Decode(depth: depth, sequences: sequences, tokens_per_s: rate, bytes_per_step: bytes,
                                    ceiling_tokens_per_s: Double(sequences) * bandwidth / bytes)
                decode.append(figure)
                progress(String(format: "depth %5d, %2d sequences: decode %.1f tokens/s, ceiling %.1f (%.0f%%; %.1f MB per step)",
                                depth, sequences, rate, figure.ceiling_tokens_per_s, 100 * rate / figure.ceiling_tokens_per_s,
                                bytes / 1e6))
            }
        }
        return Report(model: model.path, model_bytes: modelBytes, threads: KernelInfo.threads,
                      kernels: KernelInfo.instructionSet, bandwidth_bytes_per_s: bandwidth,
                      kv_bytes_per_token: kvBytesPerToken, steps: steps, decode: decode, prompt: prompt,
                      peak_rss_bytes: DecodeBenchmark.peakResidentBytes(), repetitions: repetitions)
    }

    /// Bytes per second of the best of three parallel sums over a 512 MB buffer (every thread
    /// of the decoder's pool reading its share), the rate a memory-bound decode step can reach.
    static func readBandwidth(bytes: Int = 512 << 20) -> Double {
        let threads = KernelInfo.threads
        let vectors = bytes / MemoryLayout<SIMD16<Float>>.stride / (4 * threads) * (4 * threads)
        let buffer = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: vectors)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: SIMD16(repeating: 1), count: vectors)
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: threads)
        defer { sums.deallocate() }
        var best = 0.0
        for _ in 0 ..< 3 {
            let start = DispatchTime.now().uptimeNanoseconds
            KernelInfo.parallel(threads) { t in
                let share = vectors / threads
                let from = buffer + t * share
                var a = SIMD16<Float>(), b = a, c = a, d = a
                for i in stride(from: 0, to: share, by: 4) {
                    a += from[i]
                    b += from[i + 1]
                    c += from[i + 2]
                    d += from[i + 3]
                }
                sums[t] = (a + b + c + d).sum()
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            // The sums are the buffer's element count: reading them keeps the loop from being dropped.
            if sums[0] > 0 { best = max(best, Double(vectors * MemoryLayout<SIMD16<Float>>.stride) / elapsed) }
        }
        return best
    }

    /// Token ids of an English text, repeated to `count`.
    private func benchmarkTokens(count: Int) -> [Int32] {
        let text = "The history of the printing press shows how a single invention can change the way people read, "
            + "write, argue and learn. Before movable type, books were copied by hand, slowly and at great cost. "
            + "Printers in Venice and Lyon competed on price and on the beauty of their letters, and readers "
            + "who had never owned a book began to keep small libraries of almanacs, sermons and stories. "
        let ids = model.tokenizer.encode(text, parseSpecial: false)
        return (0 ..< count).map { ids[$0 % ids.count] }
    }
}
