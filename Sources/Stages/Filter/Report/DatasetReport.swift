import Foundation
import Pipeline
import Store

/// The figures of `lwdata report`, read from an output folder's manifest and shards: required
/// against produced length of the final records, their length histograms per length bucket, the
/// distribution of S_l, rejects by reason, and the sizes of duplicate clusters found by
/// `dedup-filter` stages.
public struct DatasetReport: Sendable {
    /// One final record's lengths (words: CJK characters plus words).
    public struct Lengths: Sendable, Equatable {
        public var required: Int?
        public var produced: Int
        public var lengthScore: Double?
        /// The LongWriter length bucket of the required length (0 for under 2,000 or unknown).
        public var bucket: Int
    }

    /// The stage whose records are the final dataset (the last stage of the latest run).
    public var finalStage: String?
    public var records: [Lengths] = []
    public var rejects: [(stage: String, reason: String, count: Int)] = []
    /// Number of duplicate clusters of each size (kept record plus the duplicates dropped for it).
    public var clusterSizes: [Int: Int] = [:]
    /// Content quality beside length: judge scores, coherence and task-talk flags.
    public var quality = QualityFigures()
    /// Real demand against the dataset's instructions (nil: not measured).
    public var demand: DemandAlignment?
    /// Preference pairs of the `make-pairs` stages, beside the final records.
    public var pairs = PairFigures()
    /// Section relevance by position in the output.
    public var relevance = RelevanceAlongOutput()

    public init() {}

    /// Reads the figures of the output folder the manifest belongs to.
    public init(manifest: Manifest) throws {
        guard let latest = try manifest.runs().last else { return }
        let stages = try manifest.stageCounts(runID: latest.id)
        finalStage = stages.last { $0.kind != MakePairsStage.kind }?.name
        for stage in stages where stage.kind == MakePairsStage.kind {
            for shard in try manifest.shards(stage: stage.name, role: .data) {
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                    if let line, let record = try? Record(line: line) { pairs.add(record) }
                }
            }
        }
        if let finalStage {
            for shard in try manifest.shards(stage: finalStage, role: .data) {
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                    guard let line, let record = try? Record(line: line) else { return }
                    records.append(Self.lengths(of: record))
                    quality.add(record)
                    relevance.add(record)
                }
            }
        }
        rejects = try manifest.rejectCounts()
        var dedupStages = Set<String>()
        for run in try manifest.runs() {
            for stage in try manifest.stageCounts(runID: run.id) where stage.kind == "dedup-filter" { dedupStages.insert(stage.name) }
        }
        var members: [String: Int] = [:]
        for stage in dedupStages.sorted() {
            for shard in try manifest.shards(stage: stage, role: .reject) {
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                    guard let line, let reject = try? Record(line: line), let cluster = reject["cluster"]?.string else { return }
                    members[cluster, default: 0] += 1
                }
            }
        }
        for dropped in members.values { clusterSizes[dropped + 1, default: 0] += 1 }
    }

    /// Lengths of a record as `export` writes it (`meta`), as `dedup-filter` annotates it
    /// (`filter`), or measured from its `response` and `length.required_words`.
    static func lengths(of record: Record) -> Lengths {
        let meta = record["meta"], filter = record["filter"]
        let required = meta?["required_words"]?.int ?? record["length"]?["required_words"]?.int
        let text = record["response"]?.string ?? record["messages"]?.array?.last?["content"]?.string ?? ""
        let produced = meta?["produced_words"]?.int ?? filter?["produced_words"]?.int ?? LengthCounter.count(text)
        let score = meta?["length_score"]?.double ?? filter?["length_score"]?.double
            ?? required.flatMap { $0 > 0 ? LengthScore.score(required: $0, produced: produced) : nil }
        let known = required.flatMap { $0 > 0 ? $0 : nil }
        return Lengths(required: known, produced: produced, lengthScore: score,
                       bucket: known.map { LengthBucket.containing(words: $0).rawValue } ?? 0)
    }

    /// Produced lengths per bucket, over one shared range.
    public var lengthHistograms: [(bucket: Int, histogram: Histogram)] {
        let upper = Double(records.map(\.produced).max() ?? 1) * 1.05
        return Dictionary(grouping: records, by: \.bucket).keys.sorted().map { bucket in
            (bucket, Histogram(lower: 0, upper: upper, bins: 20, values: records.filter { $0.bucket == bucket }.map { Double($0.produced) }))
        }
    }

    public var lengthScoreHistogram: Histogram {
        Histogram(lower: 0, upper: 100, bins: 10, values: records.compactMap(\.lengthScore))
    }

    /// A bucket's name as LongWriter writes it.
    public static func bucketName(_ bucket: Int) -> String {
        bucket == 0 ? "under 2,000 words (or no required length)" : "\(SVGCanvas.label(Double(bucket)))-word bucket"
    }

    /// Everything the charts show, as JSON.
    public var json: JSONValue {
        let scores = records.compactMap(\.lengthScore)
        return [
            "final_stage": finalStage.map(JSONValue.string) ?? .null,
            "records": .int(records.count),
            "mean_length_score": scores.isEmpty ? .null : .double(scores.reduce(0, +) / Double(scores.count)),
            "length_points": .array(records.map {
                ["required_words": $0.required.map(JSONValue.int) ?? .null, "produced_words": .int($0.produced),
                 "length_score": $0.lengthScore.map(JSONValue.double) ?? .null, "bucket": .int($0.bucket)]
            }),
            "length_histograms": .array(lengthHistograms.map { bucket, h in
                ["bucket": .int(bucket), "bin_edges": .array(h.edges.map(JSONValue.double)), "bin_width": .double(h.binWidth),
                 "counts": .array(h.counts.map(JSONValue.int))]
            }),
            "length_score_histogram": ["bin_edges": .array(lengthScoreHistogram.edges.map(JSONValue.double)),
                                       "counts": .array(lengthScoreHistogram.counts.map(JSONValue.int))],
            "rejects": .array(rejects.map { ["stage": .string($0.stage), "reason": .string($0.reason), "count": .int($0.count)] }),
            "duplicate_clusters": .array(clusterSizes.keys.sorted().map { ["size": .int($0), "clusters": .int(clusterSizes[$0]!)] }),
            "quality": quality.json,
            "demand": demand?.json ?? .null,
            "pairs": pairs.json,
            "section_relevance": relevance.json,
        ]
    }
}
