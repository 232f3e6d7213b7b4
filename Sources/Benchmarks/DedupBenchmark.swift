import Foundation
import Pipeline
import Stages
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `lwdata bench dedup`: MinHash-LSH near-duplicate detection over a synthetic corpus with
/// planted near-duplicates: documents/s, MB/s, peak memory, precision and recall.
/// `bench/dedup/run.py` runs datatrove's MinHash deduplication beside it on the same corpus.
public struct DedupBenchmark: Sendable {
    public init() {}

    /// Documents in the synthetic corpus.
    public var documents = 100_000

    /// Folder for the corpus (reused when it matches) and the removed-document list.
    public var corpus = NSTemporaryDirectory() + "lwdata-bench-dedup"

    /// Seed of the corpus.
    public var seed: UInt64 = 42

    /// MinHash permutations.
    public var permutations = 112

    /// LSH bands (rows = permutations / bands).
    public var bands = 14

    /// Words per shingle.
    public var shingleSize = 5

    /// Minimum estimated Jaccard similarity of a candidate pair (0: every band collision counts).
    public var threshold = 0.7

    /// MiB of sketches kept in memory before they spill to disk.
    public var memoryMb = 256

    /// Write the figures as JSON to this file.
    public var json: String?

    /// Checks the settings before anything runs.
    public func validate() throws {
        guard permutations > 0, bands > 0, permutations % bands == 0 else { throw BenchmarkError.invalid("bands must divide permutations") }
        guard documents >= 1000 else { throw BenchmarkError.invalid("use at least 1,000 documents") }
    }

    /// Runs the benchmark: figures as lines to `console`, JSON to `json` when set.
    public func run(console: BenchmarkConsole) throws {
        try FileSystem.makeDirectories(corpus)
        let path = corpus + "/corpus-\(documents).jsonl"
        let started = Date()
        let planted = try DedupBenchCorpus(path: path, documents: documents, seed: seed).prepare()
        console.out(String(format: "corpus %@: %d documents, %.1f MB, %d planted near-duplicates, %d hard negatives (%.0f s)",
                           path, planted.documents, Double(planted.bytes) / 1_048_576, planted.nearDuplicates,
                           planted.hardNegatives, Date().timeIntervalSince(started)))

        var settings = MinHashSettings()
        settings.permutations = permutations
        settings.bands = bands
        settings.shingleSize = shingleSize
        settings.threshold = threshold
        MemoryProbe.resetPeak()
        let baseline = MemoryProbe.residentBytes()
        let run = try DedupBenchRun(settings: settings, memoryLimit: memoryMb << 20).run(corpus: path)
        let peak = MemoryProbe.peakBytes()

        let removedPath = corpus + "/lwdata-removed-\(documents).txt"
        try run.removed.sorted().map(String.init).joined(separator: "\n").write(toFile: removedPath, atomically: true, encoding: .utf8)
        let quality = DedupBenchRun.precisionRecall(clusters: run.clusters, removed: run.removed)
        let seconds = run.readSeconds + run.sketchSeconds + run.resolveSeconds
        let mb = Double(planted.bytes) / 1_048_576
        let perDocument = Double(max(0, peak - baseline)) / Double(documents)
        let figures: JSONValue = [
            "benchmark": "dedup",
            "tool": "lwdata",
            "documents": .int(documents),
            "corpus_mb": .double(mb),
            "planted_near_duplicates": .int(planted.nearDuplicates),
            "hard_negatives": .int(planted.hardNegatives),
            "settings": ["permutations": .int(permutations), "bands": .int(bands), "rows": .int(permutations / bands),
                         "shingle_size": .int(shingleSize), "threshold": .double(threshold), "memory_mb": .int(memoryMb)],
            "threads": 1,
            "seconds": .double(seconds),
            "phases": ["read_parse_s": .double(run.readSeconds), "sketch_s": .double(run.sketchSeconds),
                       "resolve_s": .double(run.resolveSeconds)],
            "docs_per_s": .double(Double(documents) / seconds),
            "mb_per_s": .double(mb / seconds),
            "peak_rss_mb": .double(Double(peak) / 1_048_576),
            "baseline_rss_mb": .double(Double(baseline) / 1_048_576),
            "bytes_per_document": .double(perDocument),
            "peak_rss_mb_at_1m_documents": .double((Double(baseline) + perDocument * 1_000_000) / 1_048_576),
            "removed": .int(run.removed.count),
            "precision": .double(quality.precision),
            "recall": .double(quality.recall),
            "removed_file": .string(removedPath),
            "corpus_file": .string(path),
        ]
        console.out(String(format: "lwdata: %.1f s (read+parse %.1f, sketch %.1f, resolve %.1f) → %.0f docs/s, %.1f MB/s, 1 thread",
                           seconds, run.readSeconds, run.sketchSeconds, run.resolveSeconds, Double(documents) / seconds, mb / seconds))
        console.out(String(format: "peak RSS %.0f MB (%.0f MB before the run; %.0f bytes per document → %.0f MB at 1M documents)",
                           Double(peak) / 1_048_576, Double(baseline) / 1_048_576, perDocument,
                           (Double(baseline) + perDocument * 1_000_000) / 1_048_576))
        console.out(String(format: "removed %d; precision %.4f, recall %.4f", run.removed.count, quality.precision, quality.recall))
        if let json { try Data(figures.serialized()).write(to: URL(fileURLWithPath: json)) }
    }
}

/// One measured pass of near-duplicate detection over a corpus file.
struct DedupBenchRun {
    let settings: MinHashSettings
    let memoryLimit: Int

    struct Result {
        var removed: [Int]
        var clusters: [Int32]
        var readSeconds = 0.0
        var sketchSeconds = 0.0
        var resolveSeconds = 0.0
    }

    func run(corpus path: String) throws -> Result {
        let hasher = MinHasher(settings: settings)
        let index = NearDuplicateIndex(settings: settings, memoryLimit: memoryLimit)
        var result = Result(removed: [], clusters: [])
        var documentLine: [Int32] = []
        let reader = try LineReader(path: path)
        var clock = Date()
        while let line = try reader.next() {
            guard case .text(let bytes) = line, case .object(let object) = try JSONValue.parse(bytes),
                  let id = object["id"]?.string, let text = object["text"]?.string else {
                throw DedupBenchError.badLine(file: path, line: reader.lineNumber)
            }
            result.clusters.append(Int32(object["cluster"]?.int ?? result.clusters.count))
            let now = Date()
            result.readSeconds += now.timeIntervalSince(clock)
            if let sketch = hasher.sketch(of: text) {
                try index.add(sketch, rank: DocumentRank(key: StableHash.of(id)))
                documentLine.append(Int32(result.clusters.count - 1))
            }
            clock = Date()
            result.sketchSeconds += clock.timeIntervalSince(now)
        }
        result.readSeconds += Date().timeIntervalSince(clock)
        clock = Date()
        let matches = try index.resolve()
        result.removed = matches.indices.filter { matches[$0] != nil }.map { Int(documentLine[$0]) }
        result.resolveSeconds = Date().timeIntervalSince(clock)
        return result
    }

    /// Precision and recall of removals against planted clusters: in a cluster of size s, up to
    /// s − 1 removals are right; any other removal is a false positive.
    static func precisionRecall(clusters: [Int32], removed: [Int]) -> (precision: Double, recall: Double) {
        var size: [Int32: Int] = [:]
        for c in clusters { size[c, default: 0] += 1 }
        var removedIn: [Int32: Int] = [:]
        for d in removed { removedIn[clusters[d], default: 0] += 1 }
        let correct = removedIn.reduce(0) { $0 + min($1.value, size[$1.key]! - 1) }
        let duplicates = size.values.reduce(0) { $0 + $1 - 1 }
        return (removed.isEmpty ? 1 : Double(correct) / Double(removed.count), duplicates == 0 ? 1 : Double(correct) / Double(duplicates))
    }
}

/// Resident memory of this process, from /proc/self/status (Linux).
enum MemoryProbe {
    /// Starts a new peak measurement: returns freed heap memory to the system, then resets
    /// `VmHWM` to the current resident size.
    static func resetPeak() {
        #if canImport(Glibc)
        // glibc's malloc_trim is not in the Glibc module map; look it up.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
        }
        #endif
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func residentBytes() -> Int { field("VmRSS:") }
    static func peakBytes() -> Int { field("VmHWM:") }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb * 1024
    }
}
