import CBLAS
import CKernels
import Foundation
import Messages
import Pipeline
import Store

/// How well a dataset's instructions cover real user demand: the mined queries (with the
/// output length `predict-length` gave them) against the final records' instructions, both
/// embedded by the sentence encoder.
///
/// - coverage: per predicted length bucket, the share of queries whose nearest dataset
///   instruction has a cosine similarity of at least `threshold`;
/// - map: both sets projected on the first two principal components of their embeddings (PCA
///   of the plotted points, centred; power iteration on the 384 × 384 covariance);
/// - demand histogram: queries per predicted output bucket beside the same buckets of their
///   input length.
public struct DemandAlignment: Sendable {
    /// A mined query and what `predict-length` made of it.
    public struct Query: Sendable, Equatable {
        public var text: String
        /// The predicted output length's bucket (`LengthBucket` raw value: 0 for under 2,000 words).
        public var predictedBucket: Int
        /// Words of the query itself (CJK characters plus words).
        public var inputWords: Int

        public init(text: String, predictedBucket: Int, inputWords: Int) {
            self.text = text
            self.predictedBucket = predictedBucket
            self.inputWords = inputWords
        }
    }

    /// One bucket's coverage.
    public struct Coverage: Sendable, Equatable {
        public var bucket: Int
        public var queries: Int
        public var covered: Int
        /// Covered share of the bucket's queries (0 when it has none).
        public var share: Double { queries == 0 ? 0 : Double(covered) / Double(queries) }
    }

    /// A point of the map.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var isQuery: Bool
        public var text: String
    }

    /// Texts embedded per set at most (the first ones, in shard order).
    public static let textLimit = 20_000
    /// Points of each set on the map at most.
    public static let mapLimit = 1_000

    /// Cosine from which a query counts as covered.
    public var threshold: Double
    /// Identity of the encoder that embedded both sets.
    public var encoder: String
    /// Queries and instructions embedded.
    public var queries: Int
    public var instructions: Int
    /// Coverage per predicted length bucket, every bucket in order.
    public var coverage: [Coverage]
    /// Queries per predicted output bucket, and per bucket of their input length.
    public var predicted: [Int: Int]
    public var input: [Int: Int]
    public var map: [Point]
    /// Share of the plotted points' variance along each of the two axes.
    public var explained: [Double]
    /// Each query's nearest dataset instruction's cosine (same order as the queries given).
    public var nearest: [Double]

    /// Embeds `queries` and `instructions` with `embedder` and measures the alignment.
    public init(queries allQueries: [Query], instructions allInstructions: [String], embedder: any TextEmbedder, threshold: Double) {
        let queries = Array(allQueries.prefix(Self.textLimit)), instructions = Array(allInstructions.prefix(Self.textLimit))
        self.threshold = threshold
        encoder = embedder.identity
        self.queries = queries.count
        self.instructions = instructions.count
        let d = embedder.dimension
        let queryVectors = embedder.embed(queries.map(\.text)).flatMap { $0 }
        let instructionVectors = embedder.embed(instructions).flatMap { $0 }
        let nearest = Self.nearestCosines(queryVectors, instructionVectors, dimension: d).map { Double($0) }
        self.nearest = nearest
        coverage = LengthBucket.allCases.map(\.rawValue).map { bucket in
            let inBucket = queries.indices.filter { queries[$0].predictedBucket == bucket }
            return Coverage(bucket: bucket, queries: inBucket.count, covered: inBucket.filter { nearest[$0] >= threshold }.count)
        }
        predicted = Dictionary(grouping: queries, by: \.predictedBucket).mapValues(\.count)
        input = Dictionary(grouping: queries) { LengthBucket.containing(words: $0.inputWords).rawValue }.mapValues(\.count)
        let shownQueries = min(queries.count, Self.mapLimit), shownInstructions = min(instructions.count, Self.mapLimit)
        let points = Array(queryVectors.prefix(shownQueries * d)) + Array(instructionVectors.prefix(shownInstructions * d))
        let (coordinates, explained) = Self.project(points, dimension: d)
        self.explained = explained
        map = (0..<(shownQueries + shownInstructions)).map { i in
            Point(x: coordinates[2 * i], y: coordinates[2 * i + 1], isQuery: i < shownQueries,
                  text: i < shownQueries ? queries[i].text : instructions[i - shownQueries])
        }
    }

    /// The mined queries with a predicted length (kept by every `predict-length` stage, or dropped
    /// for their length) and the instructions of the final stage's records.
    public static func read(manifest: Manifest, finalStage: String?) throws -> (queries: [Query], instructions: [String]) {
        var stages = Set<String>()
        for run in try manifest.runs() {
            for stage in try manifest.stageCounts(runID: run.id) where stage.kind == PredictLengthStage.kind { stages.insert(stage.name) }
        }
        var seen = Set<String>(), queries: [Query] = []
        for stage in stages.sorted() {
            for shard in try manifest.shards(stage: stage) {
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                    guard let line, let record = try? Record(line: line), let text = record["query"]?.string,
                          let required = record["length"]?["required_words"]?.int, seen.insert(text).inserted else { return }
                    queries.append(Query(text: text, predictedBucket: LengthBucket.containing(words: required).rawValue,
                                         inputWords: record["input_length"]?.int ?? LengthCounter.count(text)))
                }
            }
        }
        var instructions: [String] = []
        if let finalStage {
            for shard in try manifest.shards(stage: finalStage, role: .data) {
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                    guard let line, let record = try? Record(line: line), let text = instruction(of: record) else { return }
                    instructions.append(text)
                }
            }
        }
        return (queries, instructions)
    }

    /// A record's instruction: `query`, `instruction`, or the first user message.
    static func instruction(of record: Record) -> String? {
        if let query = record["query"]?.string ?? record["instruction"]?.string { return query }
        return record["messages"]?.array?.first { $0["role"]?.string == "user" }?["content"]?.string
    }

    /// For each row of `a` (unit vectors), the largest dot product with a row of `b`
    /// (-1 when `b` is empty); blocked matrix products of 1,024 rows of `b` at a time.
    static func nearestCosines(_ a: [Float], _ b: [Float], dimension d: Int) -> [Float] {
        let rows = a.count / d, others = b.count / d
        var maxima = [Float](repeating: -1, count: rows)
        guard rows > 0, others > 0 else { return maxima }
        let block = 1024
        var product = [Float](repeating: 0, count: rows * min(block, others))
        for start in stride(from: 0, to: others, by: block) {
            let count = min(block, others - start)
            b.withUnsafeBufferPointer { bb in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(count), Int32(d), 1,
                            a, Int32(d), bb.baseAddress! + start * d, Int32(d), 0, &product, Int32(count))
            }
            lw_row_maxima(product, Int64(rows), Int64(count), &maxima)
        }
        return maxima
    }

    /// Coordinates (x, y interleaved) of the rows of `points` on their first two principal
    /// components, and the share of variance along each.
    static func project(_ points: [Float], dimension d: Int) -> (coordinates: [Double], explained: [Double]) {
        let n = points.count / d
        guard n >= 2 else { return ([Double](repeating: 0, count: 2 * n), [0, 0]) }
        var centred = points
        var mean = [Float](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += points[i * d + j] / Float(n) } }
        for i in 0..<n { for j in 0..<d { centred[i * d + j] -= mean[j] } }
        var covariance = [Float](repeating: 0, count: d * d)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1 / Float(n),
                    centred, Int32(d), centred, Int32(d), 0, &covariance, Int32(d))
        let total = (0..<d).reduce(Float(0)) { $0 + covariance[$1 * d + $1] }
        var components: [[Float]] = []
        var variances: [Double] = []
        for c in 0..<2 {
            // Power iteration from a fixed start, deflated against the components found.
            var v = (0..<d).map { Float(($0 * 7 + c * 3) % 11) - 5 }
            var eigenvalue: Float = 0
            for _ in 0..<300 {
                var next = [Float](repeating: 0, count: d)
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(d), Int32(d), 1, covariance, Int32(d), v, 1, 0, &next, 1)
                for u in components {
                    let along = zip(next, u).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                    for j in 0..<d { next[j] -= along * u[j] }
                }
                let norm = next.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { break }
                eigenvalue = norm
                v = next.map { $0 / norm }
            }
            components.append(v)
            variances.append(total > 0 ? Double(eigenvalue / total) : 0)
        }
        var coordinates = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            for (c, u) in components.enumerated() {
                var dot: Float = 0
                for j in 0..<d { dot += centred[i * d + j] * u[j] }
                coordinates[2 * i + c] = Double(dot)
            }
        }
        return (coordinates, variances)
    }

    /// Everything the demand charts show, as JSON.
    public var json: JSONValue {
        [
            "encoder": .string(encoder),
            "threshold": .double(threshold),
            "queries": .int(queries),
            "instructions": .int(instructions),
            "coverage": .array(coverage.map {
                ["bucket": .int($0.bucket), "queries": .int($0.queries), "covered": .int($0.covered),
                 "share": .double(($0.share * 10000).rounded() / 10000)]
            }),
            "demand_histogram": .array(LengthBucket.allCases.map { bucket in
                ["bucket": .int(bucket.rawValue), "predicted_output": .int(predicted[bucket.rawValue] ?? 0),
                 "input_length": .int(input[bucket.rawValue] ?? 0)]
            }),
            "map": ["projection": "PCA (first two principal components of the plotted embeddings, centred)",
                    "explained_variance": .array(explained.map { .double(($0 * 10000).rounded() / 10000) }),
                    "points": .int(map.count)],
        ]
    }
}
