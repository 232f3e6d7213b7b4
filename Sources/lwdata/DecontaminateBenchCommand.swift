import ArgumentParser
import Benchmarks

/// `lwdata bench decontaminate`: the decontaminate stage's index and matching on a synthetic corpus.
/// The measurement itself is `DecontaminationBenchmark`.
struct DecontaminateBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decontaminate",
        abstract: "Decontamination: n-gram index build, records/s, peak memory, recall and precision on planted overlaps.")

    @Option(help: "Records checked.")
    var records = 1_000_000

    @Option(help: "Evaluation items indexed.")
    var evaluationItems = 10_000

    @Option(help: "Words in a shared run that counts as contamination.")
    var ngram = 13

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    func validate() throws { try BenchCommand.checked { try benchmark.validate() } }

    func run() async throws { try BenchCommand.checked { try benchmark.run(console: BenchCommand.console) } }

    private var benchmark: DecontaminationBenchmark {
        var benchmark = DecontaminationBenchmark()
        benchmark.records = records
        benchmark.evaluationItems = evaluationItems
        benchmark.ngram = ngram
        benchmark.json = json
        return benchmark
    }
}
