import Foundation
import Messages
import Pipeline
import Stages

/// `lwdata bench semantic-dedup`: the semantic-dedup index (`SemanticIndex`, blocked exact
/// search over half-precision embeddings) on `instructions` unit vectors of 384 dimensions with
/// planted near-duplicates, timed apart from the sentence encoder, whose throughput is measured
/// on `encodeSample` synthetic instructions (embedding 100k texts takes minutes on 2 cores).
///
/// The vectors are random (Gaussian, normalised): about 85% originals, 10% planted duplicates
/// (an original plus noise, cosine about 0.95 to it) and 5% hard negatives (cosine about 0.8,
/// below the threshold). Two random 384-dimensional vectors have a cosine near 0 (σ ≈ 0.05),
/// so the index decides exactly the planted pairs; precision and recall check that it does.
public struct SemanticDedupBenchmark: Sendable {
    public init() {}

    /// Embeddings in the index.
    public var instructions = 100_000
    /// Their dimension (all-MiniLM-L6-v2: 384).
    public var dimension = 384
    /// Cosine similarity from which two embeddings are duplicates.
    public var threshold = 0.85
    /// MiB of embeddings kept in memory before they spill to disk.
    public var memoryMb = 64
    /// Embeddings per block of the search.
    public var blockRows = 2048
    /// Seed of the vectors and instructions.
    public var seed: UInt64 = 42
    /// Synthetic instructions embedded by the real encoder for its throughput (0: skip).
    public var encodeSample = 2000
    /// Write the figures as JSON to this file.
    public var json: String?

    /// Checks the settings before anything runs.
    public func validate() throws {
        guard instructions >= 1000 else { throw BenchmarkError.invalid("use at least 1,000 instructions") }
        guard dimension >= 8, threshold > 0, threshold < 1 else { throw BenchmarkError.invalid("dimension ≥ 8 and 0 < threshold < 1") }
    }

    /// Runs the benchmark with `encoder` (nil: the encoder part is skipped); figures to `console`, JSON to `json`.
    public func run(encoder: (any TextEmbedder)?, console: BenchmarkConsole) throws {
        MemoryProbe.resetPeak()
        let baseline = MemoryProbe.residentBytes()
        let index = SemanticIndex(dimension: dimension, threshold: threshold, memoryLimit: memoryMb << 20, blockRows: blockRows)
        var clusters: [Int32] = []
        clusters.reserveCapacity(instructions)
        var rng = SplitMix(seed: seed)
        var planted = (duplicates: 0, hardNegatives: 0)
        let addSeconds = try seconds {
            var original: [Float] = []
            var originalCluster: Int32 = 0
            while clusters.count < instructions {
                let draw = Double(rng.next() >> 11) / Double(1 << 53)
                if !original.isEmpty && draw < 0.10 {
                    try index.add(Self.neighbour(of: original, cosine: 0.95, rng: &rng))
                    clusters.append(originalCluster)
                    planted.duplicates += 1
                } else if !original.isEmpty && draw < 0.15 {
                    try index.add(Self.neighbour(of: original, cosine: 0.8, rng: &rng))
                    clusters.append(Int32(clusters.count))
                    planted.hardNegatives += 1
                } else {
                    original = Self.unitVector(dimension, rng: &rng)
                    originalCluster = Int32(clusters.count)
                    try index.add(original)
                    clusters.append(originalCluster)
                }
            }
        }
        var ranks: [DocumentRank] = (0..<instructions).map { DocumentRank(key: StableHash.of(String($0))) }
        var links = DuplicateClusters(ranks: ranks)
        var pairs = 0
        let searchSeconds = try seconds {
            try index.findPairs { a, b, similarity in
                links.link(a, b, similarity: similarity)
                pairs += 1
            }
        }
        let removed = (0..<instructions).filter { links.representative(of: $0) != $0 }
        ranks = []
        let peak = MemoryProbe.peakBytes()
        let quality = DedupBenchRun.precisionRecall(clusters: clusters, removed: removed)
        let comparisons = Double(instructions) * Double(instructions - 1) / 2
        console.out(String(format: "index: %d embeddings of %d dimensions (%d planted duplicates, %d hard negatives), threshold %.2f, %d-row blocks, %d MiB in memory",
                           instructions, dimension, planted.duplicates, planted.hardNegatives, threshold, blockRows, memoryMb))
        console.out(String(format: "add %.1f s, search %.1f s (%.2f billion comparisons, %.2f billion/s) → %d pairs, %d removed; precision %.4f, recall %.4f",
                           addSeconds, searchSeconds, comparisons / 1e9, comparisons / 1e9 / searchSeconds, pairs, removed.count,
                           quality.precision, quality.recall))
        console.out(String(format: "peak RSS %.0f MB (%.0f MB before; embeddings %.0f MB as float16, %.0f MB of them in memory)",
                           Double(peak) / 1_048_576, Double(baseline) / 1_048_576,
                           Double(instructions * dimension * 2) / 1_048_576, Double(index.residentBytes) / 1_048_576))
        let million = searchSeconds * (1e6 * (1e6 - 1) / 2) / comparisons
        console.out(String(format: "at 1M embeddings: %.0f MB of float16 on disk, memory as set (%d MiB) plus the blocks; search about %.0f min (time grows with n²)",
                           1e6 * Double(dimension * 2) / 1_048_576, memoryMb, million / 60))

        var encoderFigures: JSONValue = .null
        if let encoder, encodeSample > 0 {
            var generator = SyntheticInstructions(seed: seed)
            let texts = generator.take(encodeSample)
            _ = encoder.embed(Array(texts.prefix(32)))
            let encodeSeconds = seconds { _ = encoder.embed(texts) }
            let rate = Double(texts.count) / encodeSeconds
            let words = Double(texts.reduce(0) { $0 + $1.split(separator: " ").count }) / Double(texts.count)
            console.out(String(format: "encoder %@: %d synthetic instructions (%.1f words each) in %.1f s → %.0f sentences/s; %d would take %.1f min",
                               encoder.identity, texts.count, words, encodeSeconds, rate, instructions, Double(instructions) / rate / 60))
            encoderFigures = ["identity": .string(encoder.identity), "texts": .int(texts.count), "mean_words": .double(words),
                              "seconds": .double(encodeSeconds), "sentences_per_s": .double(rate),
                              "minutes_for_all": .double(Double(instructions) / rate / 60)]
        }
        let figures: JSONValue = [
            "benchmark": "semantic-dedup",
            "vectors": "random unit vectors with planted duplicates (index timed apart from the encoder)",
            "instructions": .int(instructions), "dimension": .int(dimension), "threshold": .double(threshold),
            "block_rows": .int(blockRows), "memory_mb": .int(memoryMb),
            "planted_duplicates": .int(planted.duplicates), "hard_negatives": .int(planted.hardNegatives),
            "add_s": .double(addSeconds), "search_s": .double(searchSeconds),
            "comparisons_per_s": .double(comparisons / searchSeconds),
            "pairs": .int(pairs), "removed": .int(removed.count),
            "precision": .double(quality.precision), "recall": .double(quality.recall),
            "peak_rss_mb": .double(Double(peak) / 1_048_576), "baseline_rss_mb": .double(Double(baseline) / 1_048_576),
            "resident_embeddings_mb": .double(Double(index.residentBytes) / 1_048_576),
            "search_minutes_at_1m": .double(million / 60),
            "encoder": encoderFigures,
        ]
        if let json { try Data(figures.serialized()).write(to: URL(fileURLWithPath: json)) }
    }

    /// A random direction: normalised Gaussian values.
    static func unitVector(_ dimension: Int, rng: inout SplitMix) -> [Float] {
        var v = (0..<dimension).map { _ in Float(gaussian(&rng)) }
        normalise(&v)
        return v
    }

    /// A unit vector whose cosine with the unit vector `v` is `cosine`: `v` turned towards a random
    /// direction orthogonal to it.
    static func neighbour(of v: [Float], cosine: Float, rng: inout SplitMix) -> [Float] {
        var noise = unitVector(v.count, rng: &rng)
        let along = zip(noise, v).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        for i in noise.indices { noise[i] -= along * v[i] }
        normalise(&noise)
        let sine = (1 - cosine * cosine).squareRoot()
        var result = zip(v, noise).map { cosine * $0 + sine * $1 }
        normalise(&result)
        return result
    }

    static func normalise(_ v: inout [Float]) {
        let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        for i in v.indices { v[i] /= norm }
    }

    /// A standard normal value (Box–Muller).
    static func gaussian(_ rng: inout SplitMix) -> Double {
        let u = (Double(rng.next() >> 11) + 0.5) / Double(1 << 53), w = Double(rng.next() >> 11) / Double(1 << 53)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * w)
    }
}
