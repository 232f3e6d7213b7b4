import ArgumentParser
import Store

/// `lwdata inspect`: print the first records of a shard.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the records of a shard (.jsonl.zst or .jsonl), one JSON object per line.")

    @Argument(help: "The shard file.")
    var shard: String

    @Option(name: .long, help: "Print at most this many records (0: all).")
    var limit = 10

    func run() async throws {
        let reader: LineReader
        do {
            reader = try LineReader(path: shard)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        var printed = 0
        do {
            while limit == 0 || printed < limit, let line = try reader.next() {
                switch line {
                case .text(let bytes): Console.out(String(decoding: bytes, as: UTF8.self))
                case .oversized(let count): Console.out("<line of \(count) bytes>")
                }
                printed += 1
            }
        } catch {
            Console.error("\(error)")
            throw ExitCodes.failure
        }
    }
}
