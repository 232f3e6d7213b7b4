import ArgumentParser
import Benchmarks

/// `lwdata bench`: performance measurements that print figures and write JSON.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure performance (figures on stdout, JSON with --json).",
        subcommands: [StoreBenchCommand.self, DedupBenchCommand.self, GrammarBenchCommand.self, DecodeBenchCommand.self,
                      DecontaminateBenchCommand.self, EncodeBenchCommand.self, SemanticDedupBenchCommand.self,
                      LogitsBenchCommand.self])

    /// Benchmarks' figures on stdout, their notes on stderr.
    static let console = BenchmarkConsole(out: { Console.out($0) }, note: { Console.error($0) })

    /// Runs `body`, reporting a benchmark's refusal as a usage error (as when the command checked it itself).
    static func checked(_ body: () throws -> Void) throws {
        do { try body() } catch let error as BenchmarkError { throw ValidationError(error.description) }
    }
}
