import ArgumentParser

/// `lwdata bench`: performance measurements that print figures and write JSON.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure performance (figures on stdout, JSON with --json).",
        subcommands: [StoreBenchCommand.self, DedupBenchCommand.self, GrammarBenchCommand.self, DecodeBenchCommand.self,
                      EncodeBenchCommand.self])
}
