import ArgumentParser
import Benchmarks
import Decoder
import Foundation

/// `lwdata bench decode`: prompt-processing and decode speed of the built-in decoder, single
/// sequence and batched, laid out like llama.cpp's `llama-bench` / `llama-batched-bench`.
struct DecodeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decoder tokens/s: pp512, tg128, batched decode at 1–32 sequences, peak memory.",
        discussion: """
            pp512: one 512-token prompt in one forward call. tg128: 128 single-token steps from an \
            empty cache. Batched (as llama-batched-bench -npp 128 -ntg 128): B prompts of 128 tokens \
            prefilled together, then 128 decode steps of B tokens; tokens/s = B·128 / decode time. \
            Engine: B requests of 128 tokens submitted at once to the continuous-batching engine \
            (wall clock, prefill included). Threads: LWDATA_THREADS, else every core. \
            See bench/README.md for running llama.cpp beside it.
            """)

    @Option(name: .long, help: "GGUF model (default: LWDATA_MODEL, then the installed default model).")
    var model: String?

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    @Option(help: "Repetitions of pp512 and tg128 (the median is reported).")
    var repetitions = 3

    @Option(help: "Batch sizes, comma-separated.")
    var sequences = "1,2,4,8,16,32"

    func run() async throws {
        let path = try ModelLocator.existingModelPath(model)
        // No prefix-cache pool: the memory figure is the decoder's own (weights, live KV caches, scratch).
        let language = try LanguageModel(path: path, cachedSequences: 0)
        var benchmark = DecodeBenchmark(model: language)
        benchmark.repetitions = max(1, repetitions)
        let sizes = sequences.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        guard !sizes.isEmpty else { throw ValidationError("--sequences needs at least one positive batch size") }
        benchmark.batchSizes = sizes
        benchmark.engineSizes = sizes.contains(16) ? [1, 16] : [1, sizes.max()!]
        print("model: \(path) — \(language.description)")
        let report = try benchmark.run { print($0) }
        print(String(format: "threads %d, kernels %@, peak RSS %.1f MB (model file %.1f MB, largest KV cache %.1f MB)",
                     report.threads, report.kernels, Double(report.peak_rss_bytes) / 1e6,
                     Double(report.model_bytes) / 1e6, Double(report.kv_cache_bytes) / 1e6))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }
}
