import ArgumentParser
import Benchmarks

/// `lwdata bench store`: shard write/read throughput beside the `zstd` command-line tool.
/// The measurement itself is `StoreBenchmark`.
struct StoreBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Shard write and read throughput (MB/s of uncompressed JSONL) beside the zstd tool at the same level.")

    @Option(help: "Megabytes of synthetic JSONL to write.")
    var megabytes = 256

    @Option(help: "zstd level.")
    var level: Int32 = 3

    @Option(help: "Repetitions; the best of each is reported.")
    var repeats = 3

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    func run() async throws {
        try BenchCommand.checked { try benchmark.run(console: BenchCommand.console) }
    }

    private var benchmark: StoreBenchmark {
        var benchmark = StoreBenchmark()
        benchmark.megabytes = megabytes
        benchmark.level = level
        benchmark.repeats = repeats
        benchmark.json = json
        return benchmark
    }
}
