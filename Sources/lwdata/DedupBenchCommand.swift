import ArgumentParser
import Benchmarks
import Foundation

/// `lwdata bench dedup`: MinHash-LSH near-duplicate detection over a synthetic corpus with
/// The measurement itself is `DedupBenchmark`.
struct DedupBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Near-duplicate detection throughput, peak memory, precision and recall on a synthetic corpus.")

    @Option(help: "Documents in the synthetic corpus.")
    var documents = 100_000

    @Option(help: "Folder for the corpus (reused when it matches) and the removed-document list.")
    var corpus = NSTemporaryDirectory() + "lwdata-bench-dedup"

    @Option(help: "Seed of the corpus.")
    var seed: UInt64 = 42

    @Option(help: "MinHash permutations.")
    var permutations = 112

    @Option(help: "LSH bands (rows = permutations / bands).")
    var bands = 14

    @Option(help: "Words per shingle.")
    var shingleSize = 5

    @Option(help: "Minimum estimated Jaccard similarity of a candidate pair (0: every band collision counts).")
    var threshold = 0.7

    @Option(help: "MiB of sketches kept in memory before they spill to disk.")
    var memoryMb = 256

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    func validate() throws {
        try BenchCommand.checked { try benchmark.validate() }
    }

    func run() async throws {
        try BenchCommand.checked { try benchmark.run(console: BenchCommand.console) }
    }

    private var benchmark: DedupBenchmark {
        var benchmark = DedupBenchmark()
        benchmark.documents = documents
        benchmark.corpus = corpus
        benchmark.seed = seed
        benchmark.permutations = permutations
        benchmark.bands = bands
        benchmark.shingleSize = shingleSize
        benchmark.threshold = threshold
        benchmark.memoryMb = memoryMb
        benchmark.json = json
        return benchmark
    }
}
