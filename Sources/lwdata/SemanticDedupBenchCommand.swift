import ArgumentParser
import Benchmarks
import Decoder
import Foundation

/// `lwdata bench semantic-dedup`: the semantic-dedup index on random unit vectors with planted
/// duplicates, and the sentence encoder's throughput on synthetic instructions, measured apart.
/// The measurement itself is `SemanticDedupBenchmark`.
struct SemanticDedupBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semantic-dedup",
        abstract: "Semantic-dedup index time, peak memory, precision and recall; encoder throughput apart.")

    @Option(help: "Embeddings in the index (random unit vectors with planted duplicates).")
    var instructions = 100_000

    @Option(help: "Cosine similarity from which two embeddings are duplicates.")
    var threshold = 0.85

    @Option(help: "MiB of embeddings kept in memory before they spill to disk.")
    var memoryMb = 64

    @Option(help: "Embeddings per block of the search.")
    var blockRows = 2048

    @Option(help: "Seed of the vectors and instructions.")
    var seed: UInt64 = 42

    @Option(help: "Synthetic instructions embedded by the sentence encoder for its throughput (0: skip the encoder).")
    var encodeSample = 2000

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    func validate() throws {
        try BenchCommand.checked { try benchmark.validate() }
    }

    func run() async throws {
        let encoder = try encodeSample > 0 ? EncoderLocator.existingDirectory().map { try SentenceEncoder(directory: $0) } : nil
        try BenchCommand.checked { try benchmark.run(encoder: encoder, console: BenchCommand.console) }
    }

    private var benchmark: SemanticDedupBenchmark {
        var benchmark = SemanticDedupBenchmark()
        benchmark.instructions = instructions
        benchmark.threshold = threshold
        benchmark.memoryMb = memoryMb
        benchmark.blockRows = blockRows
        benchmark.seed = seed
        benchmark.encodeSample = encodeSample
        benchmark.json = json
        return benchmark
    }
}
