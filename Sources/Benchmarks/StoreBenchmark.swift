import Digest
import Foundation
import Pipeline
import Store

/// `lwdata bench store`: shard write/read throughput beside the `zstd` command-line tool.
public struct StoreBenchmark: Sendable {
    public init() {}

    /// Megabytes of synthetic JSONL to write.
    public var megabytes = 256

    /// zstd level.
    public var level: Int32 = 3

    /// Repetitions; the best of each is reported.
    public var repeats = 3

    /// Write the figures as JSON to this file.
    public var json: String?

    /// Runs the benchmark: figures as lines to `console`, JSON to `json` when set.
    public func run(console: BenchmarkConsole) throws {
        let folder = NSTemporaryDirectory() + "lwdata-bench-store-\(getpid())"
        try FileSystem.makeDirectories(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = Self.syntheticLines(bytes: megabytes << 20)
        let rawBytes = lines.reduce(0) { $0 + $1.count + 1 }
        let plainPath = folder + "/data.jsonl"
        FileManager.default.createFile(atPath: plainPath, contents: Data(lines.joined(separator: [0x0A]) + [0x0A]))

        var writeBest = Double.infinity, readBest = Double.infinity, zstdWriteBest = Double.infinity, zstdReadBest = Double.infinity
        var compressed = 0
        let shardPath = folder + "/shard.jsonl.zst"
        for _ in 0..<repeats {
            var t = Date()
            let writer = try ShardWriter(path: shardPath, level: level)
            for line in lines { try writer.append(line: line) }
            compressed = try writer.finish().compressedBytes
            writeBest = min(writeBest, Date().timeIntervalSince(t))

            t = Date()
            let reader = try LineReader(path: shardPath)
            var count = 0
            while try reader.next() != nil { count += 1 }
            readBest = min(readBest, Date().timeIntervalSince(t))
            guard count == lines.count else { throw BenchmarkError.invalid("read \(count) lines, wrote \(lines.count)") }

            zstdWriteBest = min(zstdWriteBest, try Self.time("zstd", ["-q", "-f", "-\(level)", "-T1", plainPath, "-o", folder + "/tool.zst"]))
            zstdReadBest = min(zstdReadBest, try Self.time("zstd", ["-q", "-d", "-c", folder + "/tool.zst"], discardOutput: true))
        }
        let mb = Double(rawBytes) / 1_048_576
        let figures: JSONValue = [
            "benchmark": "store",
            "uncompressed_mb": .double(mb),
            "compressed_mb": .double(Double(compressed) / 1_048_576),
            "level": .int(Int(level)),
            "records": .int(lines.count),
            "write_mb_per_s": .double(mb / writeBest),
            "read_mb_per_s": .double(mb / readBest),
            "zstd_tool_compress_mb_per_s": .double(mb / zstdWriteBest),
            "zstd_tool_decompress_mb_per_s": .double(mb / zstdReadBest),
            "write_ratio_vs_zstd": .double(zstdWriteBest / writeBest),
            "read_ratio_vs_zstd": .double(zstdReadBest / readBest),
        ]
        console.out(String(format: "%.0f MB JSONL, %d records, level %d (best of %d)", mb, lines.count, level, repeats))
        console.out(String(format: "write: lwdata %.0f MB/s, zstd tool %.0f MB/s (%.2fx)", mb / writeBest, mb / zstdWriteBest, zstdWriteBest / writeBest))
        console.out(String(format: "read:  lwdata %.0f MB/s, zstd tool %.0f MB/s (%.2fx)", mb / readBest, mb / zstdReadBest, zstdReadBest / readBest))
        if let json { try Data(figures.serialized()).write(to: URL(fileURLWithPath: json)) }
    }

    /// Query-like JSONL records with varied prose so compression behaves as on real data.
    static func syntheticLines(bytes: Int) -> [[UInt8]] {
        let words = ["the", "report", "analysis", "of", "market", "growth", "in", "Asia", "and", "Europe", "with",
                     "detailed", "sections", "on", "policy", "history", "write", "a", "comprehensive", "guide", "to",
                     "travel", "cost", "plan", "城市", "发展", "报告", "chapter", "novel", "about", "ocean", "science"]
        var rng = SplitMix(seed: 42)
        var lines: [[UInt8]] = []
        var total = 0
        while total < bytes {
            let n = 20 + Int(rng.next() % 400)
            let text = (0..<n).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            let record = Record(id: ContentHash.of(String(lines.count)), fields: [
                "kind": "query", "query": .string(text), "language": "latin", "input_length": .int(n),
                "source": ["file": "bench.jsonl", "line": .int(lines.count + 1), "format": "prompt"],
            ])
            let line = record.line()
            total += line.count + 1
            lines.append(line)
        }
        return lines
    }

    static func time(_ tool: String, _ arguments: [String], discardOutput: Bool = false) throws -> TimeInterval {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if discardOutput { process.standardOutput = FileHandle(forWritingAtPath: "/dev/null") }
        let start = Date()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkError.invalid("\(tool) failed (is it installed? scripts/setup.sh installs it)") }
        return Date().timeIntervalSince(start)
    }
}

/// A tiny deterministic PRNG for synthetic benchmark data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
