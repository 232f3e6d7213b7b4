import ArgumentParser
import Decoder
import Foundation

/// `lwdata bench encode`: sentences/s of the built-in sentence encoder for texts of 16, 64 and
/// 256 tokens at 1 and 2 threads, beside the numpy/OpenBLAS float forward of the same model
/// (`bench/encoder_numpy.py`) on the same token sequences in the same run.
struct EncodeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Sentence-encoder throughput (sentences/s) beside a numpy float forward of the same model.")

    @Option(help: "Encoder folder; default: LWDATA_ENCODER or the model cache.")
    var encoder: String?

    @Option(help: "Seconds of work per measurement (about).")
    var seconds = 2.0

    @Option(help: "Thread counts to measure, comma-separated.")
    var threads = "1,2"

    @Option(help: "The numpy forward script (empty: skip the baseline).")
    var numpyScript = "bench/encoder_numpy.py"

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    static let lengths = [16, 64, 256]

    struct Figure: Encodable {
        let tokens: Int
        let threads: Int
        let sentences: Int
        let lwdataSentencesPerSecond: Double
        let numpySentencesPerSecond: Double?
        let ratio: Double?
    }

    func run() async throws {
        guard let directory = try EncoderLocator.existingDirectory(encoder) else { throw EmbedError.turnedOff }
        let threadCounts = threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        guard !threadCounts.isEmpty else { throw ValidationError("--threads: give thread counts such as 1,2") }
        let tokenizer = try WordPieceTokenizer(path: directory + "/tokenizer.json")
        var figures: [Figure] = []
        for count in threadCounts {
            let model = try SentenceEncoder(directory: directory, threads: count)
            for length in Self.lengths {
                // Sized so that one pass takes about `seconds` at 150 sentences/s per thread at 64 tokens.
                let sentences = max(16, Int(seconds * 150 * Double(count) * 64 / Double(length)))
                let batch = Self.sequences(tokenizer, count: sentences, length: length)
                _ = model.encode(tokens: Array(batch.prefix(32)))
                var best = Double.infinity
                for _ in 0 ..< 2 {
                    let start = Date()
                    _ = model.encode(tokens: batch)
                    best = min(best, Date().timeIntervalSince(start))
                }
                let ours = Double(sentences) / best
                let numpy = try numpyRate(directory: directory, batch: batch, threads: count)
                let figure = Figure(tokens: length, threads: count, sentences: sentences, lwdataSentencesPerSecond: ours,
                                    numpySentencesPerSecond: numpy, ratio: numpy.map { ours / $0 })
                figures.append(figure)
                Console.out(String(format: "%3d tokens, %d thread%@: lwdata %7.1f sentences/s", length, count, count == 1 ? " " : "s", ours)
                            + (numpy.map { String(format: ", numpy %7.1f sentences/s, ratio %.1f×", $0, ours / $0) } ?? ", numpy baseline unavailable"))
            }
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let document = BenchDocument(benchmark: "encode", model: "all-MiniLM-L6-v2", directory: directory,
                                         processors: ProcessInfo.processInfo.activeProcessorCount, figures: figures)
            try encoder.encode(document).write(to: URL(fileURLWithPath: json))
        }
    }

    struct BenchDocument: Encodable {
        let benchmark: String
        let model: String
        let directory: String
        let processors: Int
        let figures: [Figure]
    }

    /// `count` token sequences of exactly `length` ids (`[CLS]` and `[SEP]` included), cut from
    /// the pieces of a varied English text at different offsets.
    static func sequences(_ tokenizer: WordPieceTokenizer, count: Int, length: Int) -> [[Int32]] {
        let text = """
        The committee met on Tuesday to review the budget for the coming year, and the discussion \
        quickly turned to the cost of repairing the old lighthouse on the northern coast. Several \
        members argued that tourism would pay for the work within a decade; others wanted the money \
        spent on schools, roads and the hospital's new maternity ward. A crisis-communication plan \
        describes who speaks to the press, what is said in the first hour, and how rumours are \
        corrected before they spread. Sourdough bread needs flour, water, salt and patience: the \
        starter ferments for days, the dough rises overnight, and the crust forms in a very hot oven.
        """
        let pieces = Array(tokenizer.encode(text, maxLength: 512).dropFirst().dropLast())
        return (0 ..< count).map { i in
            let body = (0 ..< length - 2).map { pieces[(i * 7 + $0) % pieces.count] }
            return [tokenizer.classID] + body + [tokenizer.separatorID]
        }
    }

    /// Sentences/s of the numpy forward on `batch` (in batches of 32 sequences), nil when the
    /// script, python3 or numpy is not available.
    private func numpyRate(directory: String, batch: [[Int32]], threads: Int) throws -> Double? {
        guard !numpyScript.isEmpty, FileManager.default.fileExists(atPath: numpyScript) else { return nil }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("lwdata-encode-bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: input) }
        let batches = stride(from: 0, to: batch.count, by: 32).map { Array(batch[$0 ..< min(batch.count, $0 + 32)]) }
        try JSONSerialization.data(withJSONObject: ["batches": batches.map { $0.map { $0.map(Int.init) } }]).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", numpyScript, directory, input.path]
        var environment = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = String(threads) }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any],
              let seconds = object["seconds"] as? Double, let sentences = object["sentences"] as? Int, seconds > 0 else { return nil }
        return Double(sentences) / seconds
    }
}
