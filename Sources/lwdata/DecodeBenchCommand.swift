import ArgumentParser
import Benchmarks
import Decoder
import Foundation

/// `lwdata bench decode`: prompt-processing and decode speed of the built-in decoder, single
/// sequence and batched, laid out like llama.cpp's `llama-bench` / `llama-batched-bench`.
struct DecodeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decoder tokens/s: pp512, tg128, batched decode at 1–32 sequences, peak memory; or decode at depth.",
        discussion: """
            pp512: one 512-token prompt in one forward call. tg128: 128 single-token steps from an \
            empty cache. Batched (as llama-batched-bench -npp 128 -ntg 128): B prompts of 128 tokens \
            prefilled together, then 128 decode steps of B tokens; tokens/s = B·128 / decode time. \
            Engine: B requests of 128 tokens submitted at once to the continuous-batching engine \
            (wall clock, prefill included). With --depth N,M…: instead, decode of 1, 4, 16, 32 \
            sequences with N tokens already cached each (as llama-batched-bench -npp N -ntg 64, \
            prefill not counted) and 512 prompt tokens at depth N (as llama-bench -p 512 -d N), each \
            beside the ceiling that the measured memory bandwidth puts on it. \
            Threads: LWDATA_THREADS, else every core; kernels: LWDATA_KERNELS=avx2|portable forces a lesser set. \
            See bench/README.md for running llama.cpp beside it.
            """)

    @Option(name: .long, help: "GGUF model (default: LWDATA_MODEL, then the installed default model).")
    var model: String?

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    @Option(help: "Repetitions of pp512 and tg128 (the median is reported).")
    var repetitions = 3

    @Option(help: "Batch sizes, comma-separated (default 1,2,4,8,16,32; with --depth 1,4,16,32).")
    var sequences: String?

    @Option(help: "Cached tokens per sequence before decoding, comma-separated (e.g. 128,2048,4096).")
    var depth: String?

    func run() async throws {
        let path = try ModelLocator.existingModelPath(model)
        // No prefix-cache pool: the memory figure is the decoder's own (weights, live KV caches, scratch).
        let language = try LanguageModel(path: path, cachedSequences: 0)
        var benchmark = DecodeBenchmark(model: language)
        benchmark.repetitions = max(1, repetitions)
        let sizes = try Self.numbers(sequences ?? (depth == nil ? "1,2,4,8,16,32" : "1,4,16,32"), option: "--sequences")
        if let depth {
            var bench = DepthBenchmark(model: language)
            bench.depths = try Self.numbers(depth, option: "--depth")
            bench.batchSizes = sizes
            bench.repetitions = max(1, repetitions)
            print("model: \(path) — \(language.description)")
            let report = try bench.run { print($0) }
            print(String(format: "threads %d, kernels %@, peak RSS %.1f MB", report.threads, report.kernels,
                         Double(report.peak_rss_bytes) / 1e6))
            try write(report)
            return
        }
        benchmark.batchSizes = sizes
        benchmark.engineSizes = sizes.contains(16) ? [1, 16] : [1, sizes.max()!]
        print("model: \(path) — \(language.description)")
        let report = try benchmark.run { print($0) }
        print(String(format: "threads %d, kernels %@, peak RSS %.1f MB (model file %.1f MB, largest KV cache %.1f MB)",
                     report.threads, report.kernels, Double(report.peak_rss_bytes) / 1e6,
                     Double(report.model_bytes) / 1e6, Double(report.kv_cache_bytes) / 1e6))
        try write(report)
    }

    private func write(_ report: some Encodable) throws {
        guard let json else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: URL(fileURLWithPath: json))
    }

    private static func numbers(_ text: String, option: String) throws -> [Int] {
        let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = values.compactMap { Int($0) }
        guard !values.isEmpty, numbers.count == values.count, numbers.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("\(option) takes positive whole numbers separated by commas, got '\(text)'")
        }
        return numbers
    }
}
