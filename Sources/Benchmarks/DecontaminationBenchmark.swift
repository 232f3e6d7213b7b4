import Foundation
import Pipeline
import Stages

/// `lwdata bench decontaminate`: the decontaminate stage's n-gram index over synthetic evaluation
/// items, and records checked against it: index build time and size, records/s and MB/s, peak
/// memory, and recall and precision on planted overlaps (every 100th record copies a 20-word run of
/// a random evaluation item; the rest share only common words).
public struct DecontaminationBenchmark: Sendable {
    public init() {}

    public var records = 1_000_000
    public var evaluationItems = 10_000
    /// Words per record and per evaluation item.
    public var recordWords = 200
    public var itemWords = 150
    public var ngram = 13
    public var seed: UInt64 = 7
    public var json: String?

    public func validate() throws {
        guard records >= 1000, evaluationItems >= 10 else { throw BenchmarkError.invalid("use at least 1,000 records and 10 evaluation items") }
    }

    public func run(console: BenchmarkConsole) throws {
        var rng = SplitMix(seed: seed)
        // A Zipf-like vocabulary: common words recur everywhere, rare ones make n-grams distinctive.
        let vocabulary = (0..<20_000).map { "w\(String($0, radix: 36))" }
        func word() -> String { vocabulary[Int(Double(vocabulary.count) * pow(rng.unit(), 2.5))] }
        func text(_ n: Int) -> [String] { (0..<n).map { _ in word() } }
        let items = (0..<evaluationItems).map { EvaluationItem(location: "eval.jsonl:\($0 + 1)", text: text(itemWords).joined(separator: " ")) }
        MemoryProbe.resetPeak()
        let baseline = MemoryProbe.residentBytes()
        let buildStart = Date()
        let index = ContaminationIndex(items: items, words: ngram, cjkCharacters: 25)
        let buildSeconds = Date().timeIntervalSince(buildStart)
        var planted = 0, caught = 0, falseMatches = 0, bytes = 0
        var matchSeconds = 0.0
        for r in 0..<records {
            var words = text(recordWords)
            let plant = r % 100 == 0
            if plant {
                let source = items[rng.below(items.count)].text.split(separator: " ")
                let start = rng.below(source.count - 20)
                let at = rng.below(words.count - 20)
                words.replaceSubrange(at..<(at + 20), with: source[start..<(start + 20)].map(String.init))
                planted += 1
            }
            let record = words.joined(separator: " ")
            bytes += record.utf8.count
            let started = DispatchTime.now().uptimeNanoseconds
            let hit = index.match(record)
            matchSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if hit != nil { if plant { caught += 1 } else { falseMatches += 1 } }
        }
        let peak = MemoryProbe.peakBytes()
        let rate = Double(records) / matchSeconds
        console.out(String(format: "index: %d evaluation items, %d %d-grams, built in %.2f s", evaluationItems, index.ngramCount, ngram, buildSeconds))
        console.out(String(format: "%d records of %d words (%.0f MB): %.0f records/s, %.1f MB/s, peak RSS +%.0f MB",
                           records, recordWords, Double(bytes) / 1_048_576, rate, Double(bytes) / 1_048_576 / matchSeconds,
                           Double(max(0, peak - baseline)) / 1_048_576))
        let precision = caught + falseMatches == 0 ? 1 : Double(caught) / Double(caught + falseMatches)
        console.out(String(format: "planted overlaps: %d of %d caught (recall %.3f), %d other records matched (precision %.3f)",
                           caught, planted, Double(caught) / Double(max(planted, 1)), falseMatches, precision))
        if let json {
            let figures: JSONValue = [
                "benchmark": "decontaminate", "records": .int(records), "evaluation_items": .int(evaluationItems),
                "record_words": .int(recordWords), "item_words": .int(itemWords), "ngram": .int(ngram),
                "index_ngrams": .int(index.ngramCount), "index_build_seconds": .double(buildSeconds),
                "match_seconds": .double(matchSeconds), "records_per_second": .double(rate),
                "megabytes_per_second": .double(Double(bytes) / 1_048_576 / matchSeconds),
                "peak_rss_added_bytes": .int(max(0, peak - baseline)),
                "planted": .int(planted), "caught": .int(caught), "false_matches": .int(falseMatches),
            ]
            try Data(figures.serialized()).write(to: URL(fileURLWithPath: json))
        }
    }
}

extension SplitMix {
    /// A uniform number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// A uniform integer in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
