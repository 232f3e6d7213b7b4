import Foundation
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

/// MinHash-LSH near-duplicate detection on a corpus with planted near-duplicates (edited copies
/// whose true shingle Jaccard similarity is at least 0.8) and planted hard negatives (documents
/// sharing about half their text with another, true similarity at most 0.55).
@Suite struct DedupNearDuplicateTests {
    struct Corpus {
        var texts: [String] = []
        /// The planted cluster of each document (its own number when it is not a copy).
        var cluster: [Int] = []
        var nearPairs: [(Int, Int)] = []
        var hardNegativePairs: [(Int, Int)] = []
    }

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return StableHash.mix(state)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let vocabulary = FilterRuleTests.words(3000, from: 20_000)

    /// Exact Jaccard similarity of the sets of `n`-word shingles.
    static func jaccard(_ a: String, _ b: String, n: Int = 5) -> Double {
        func shingles(_ text: String) -> Set<[UInt64]> {
            let h = TextUnits(text).hashes
            return Set((0...(h.count - n)).map { Array(h[$0..<$0 + n]) })
        }
        let x = shingles(a), y = shingles(b)
        return Double(x.intersection(y).count) / Double(x.union(y).count)
    }

    static func makeCorpus(bases: Int, copies: Int, hardNegatives: Int, seed: UInt64) -> Corpus {
        var rng = Generator(state: seed)
        var corpus = Corpus()
        var words: [[String]] = []
        for _ in 0..<bases {
            let doc = (0..<(120 + rng.below(130))).map { _ in vocabulary[rng.below(vocabulary.count)] }
            words.append(doc)
            corpus.texts.append(doc.joined(separator: " "))
            corpus.cluster.append(corpus.cluster.count)
        }
        while corpus.nearPairs.count < copies {
            let base = rng.below(bases)
            var doc = words[base]
            for _ in 0..<(1 + rng.below(max(1, doc.count / 40))) {
                let at = rng.below(doc.count)
                switch rng.below(3) {
                case 0: doc[at] = vocabulary[rng.below(vocabulary.count)]
                case 1: doc.insert(vocabulary[rng.below(vocabulary.count)], at: at)
                default: doc.remove(at: at)
                }
            }
            let text = doc.joined(separator: " ")
            guard jaccard(text, corpus.texts[base]) >= 0.8 else { continue }
            corpus.nearPairs.append((base, corpus.texts.count))
            corpus.texts.append(text)
            corpus.cluster.append(corpus.cluster[base])
        }
        while corpus.hardNegativePairs.count < hardNegatives {
            let base = rng.below(bases)
            let doc = words[base]
            let kept = doc.count * (45 + rng.below(10)) / 100
            let text = (doc[0..<kept] + (kept..<doc.count).map { _ in vocabulary[rng.below(vocabulary.count)] }).joined(separator: " ")
            guard jaccard(text, corpus.texts[base]) <= 0.55 else { continue }
            corpus.hardNegativePairs.append((base, corpus.texts.count))
            corpus.cluster.append(corpus.texts.count)
            corpus.texts.append(text)
        }
        return corpus
    }

    /// Removed documents (those with a match) under the given arrival order.
    static func removed(_ corpus: Corpus, settings: MinHashSettings, arrival: [Int], memoryLimit: Int = 64 << 20) throws -> Set<Int> {
        let hasher = MinHasher(settings: settings)
        let index = NearDuplicateIndex(settings: settings, memoryLimit: memoryLimit)
        var number: [Int: Int] = [:]
        for doc in arrival {
            number[try index.add(hasher.sketch(of: corpus.texts[doc])!, rank: DocumentRank(key: StableHash.of(corpus.texts[doc])))] = doc
        }
        let matches = try index.resolve()
        return Set(matches.indices.filter { matches[$0] != nil }.map { number[$0]! })
    }

    /// Precision and recall of removals: in a planted cluster of size s, up to s − 1 removals are right.
    static func precisionRecall(_ corpus: Corpus, removed: Set<Int>) -> (precision: Double, recall: Double) {
        let sizes = Dictionary(grouping: corpus.cluster.indices, by: { corpus.cluster[$0] }).mapValues(\.count)
        let removedPerCluster = Dictionary(grouping: removed, by: { corpus.cluster[$0] }).mapValues(\.count)
        let correct = removedPerCluster.reduce(0) { $0 + min($1.value, sizes[$1.key]! - 1) }
        let duplicates = sizes.values.reduce(0) { $0 + $1 - 1 }
        return (removed.isEmpty ? 1 : Double(correct) / Double(removed.count), Double(correct) / Double(duplicates))
    }

    @Test func plantedNearDuplicatesAreFoundWithHighPrecisionAndRecall() throws {
        let corpus = Self.makeCorpus(bases: 1500, copies: 300, hardNegatives: 150, seed: 7)
        let settings = MinHashSettings()
        let removed = try Self.removed(corpus, settings: settings, arrival: Array(corpus.texts.indices))
        let (precision, recall) = Self.precisionRecall(corpus, removed: removed)
        // The S-curve of 14 bands × 8 rows finds a pair at J = 0.8 with probability 0.92 and at
        // J = 0.9 with 0.9996; copies of one base also find each other, which lifts recall further.
        #expect(recall >= 0.95, "recall \(recall)")
        #expect(precision >= 0.99, "precision \(precision)")
        let falseRemovals = corpus.hardNegativePairs.filter { removed.contains($0.1) }
        #expect(falseRemovals.count <= 1, "hard negatives removed: \(falseRemovals.count) of \(corpus.hardNegativePairs.count)")

        // Without the similarity check every band collision counts (as in datatrove): more of the
        // hard negatives (true J ≈ 0.45–0.55) go, since their bands collide now and then.
        var loose = settings
        loose.threshold = 0
        let looseRemoved = try Self.removed(corpus, settings: loose, arrival: Array(corpus.texts.indices))
        #expect(looseRemoved.isSuperset(of: removed))
        #expect(Self.precisionRecall(corpus, removed: looseRemoved).recall >= recall)
    }

    @Test func similarityEstimateTracksExactJaccard() {
        let corpus = Self.makeCorpus(bases: 200, copies: 60, hardNegatives: 40, seed: 11)
        let hasher = MinHasher(settings: MinHashSettings())
        var errors: [Double] = []
        for (a, b) in corpus.nearPairs + corpus.hardNegativePairs {
            let estimate = hasher.sketch(of: corpus.texts[a])!.similarity(to: hasher.sketch(of: corpus.texts[b])!)
            errors.append(abs(estimate - Self.jaccard(corpus.texts[a], corpus.texts[b])))
        }
        let mean = errors.reduce(0, +) / Double(errors.count)
        // 112 permutations: the standard error of the estimate is at most 0.5/√112 ≈ 0.047.
        #expect(mean < 0.05, "mean absolute error \(mean)")
        #expect(errors.max()! < 0.2)
        #expect(hasher.sketch(of: corpus.texts[0]) == hasher.sketch(of: corpus.texts[0]))
        #expect(MinHasher(settings: MinHashSettings()).sketch(of: corpus.texts[0]) == hasher.sketch(of: corpus.texts[0]), "seeded")
        var other = MinHashSettings()
        other.seed = 2
        #expect(MinHasher(settings: other).sketch(of: corpus.texts[0]) != hasher.sketch(of: corpus.texts[0]))
    }

    @Test func decisionsDoNotDependOnArrivalOrderOrOnSpilling() throws {
        let corpus = Self.makeCorpus(bases: 300, copies: 80, hardNegatives: 20, seed: 3)
        let settings = MinHashSettings()
        let forward = try Self.removed(corpus, settings: settings, arrival: Array(corpus.texts.indices))
        var rng = Generator(state: 99)
        var shuffled = Array(corpus.texts.indices)
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, rng.below(i + 1)) }
        #expect(try Self.removed(corpus, settings: settings, arrival: shuffled) == forward)
        #expect(try Self.removed(corpus, settings: settings, arrival: shuffled, memoryLimit: 4096) == forward)
        #expect(forward.count >= 75)
    }

    @Test func clustersJoinLinkedDocumentsAndKeepTheBestRanked() {
        // Ranks: 3 is a record kept by an earlier run; then by score; then by key.
        let ranks = [DocumentRank(score: 50, key: 1), DocumentRank(score: 90, key: 2), DocumentRank(score: 90, key: 1),
                     DocumentRank(prior: true, key: 9), DocumentRank(score: 10, key: 5), DocumentRank(score: 99, key: 6)]
        let links = [(0, 1, 0.8), (1, 2, 0.75), (3, 4, 0.9), (4, 0, 0.71)]
        var forward = DuplicateClusters(ranks: ranks)
        for (a, b, s) in links { forward.link(a, b, similarity: s) }
        var backward = DuplicateClusters(ranks: ranks)
        for (a, b, s) in links.reversed() { backward.link(b, a, similarity: s) }
        for d in ranks.indices {
            #expect(forward.representative(of: d) == backward.representative(of: d))
            #expect(forward.nearest(d) == backward.nearest(d))
        }
        // 0–1–2 and 3–4–0 form one cluster; the record kept earlier (3) represents it.
        #expect((0...4).map { forward.representative(of: $0) } == [3, 3, 3, 3, 3])
        #expect(forward.representative(of: 5) == 5 && forward.nearest(5) == nil)
        #expect(forward.nearest(0) == .init(document: 1, similarity: 0.8, tag: 0))
        var noPrior = DuplicateClusters(ranks: Array(ranks.prefix(3)))
        noPrior.link(0, 1, similarity: 0.8)
        noPrior.link(2, 1, similarity: 0.8)
        #expect(noPrior.representative(of: 0) == 2, "same score: the smaller key")
    }

    @Test func spilledSketchesLeaveOnlyTheBudgetInMemory() throws {
        let settings = MinHashSettings()
        let index = NearDuplicateIndex(settings: settings, memoryLimit: 16 << 10)
        let hasher = MinHasher(settings: settings)
        let texts = (0..<2000).map { i in FilterRuleTests.words(30, from: i * 30).joined(separator: " ") }
        for (i, text) in texts.enumerated() { try index.add(hasher.sketch(of: text)!, rank: DocumentRank(key: UInt64(i))) }
        try index.add(hasher.sketch(of: texts[1234])!, rank: DocumentRank(key: 99_999))
        // 2,001 sketches take 2,001 × (14 × 8 + 112) bytes ≈ 448 KB; at most the 16 KB budget stays resident
        // (plus the spare capacity of the buffers it reuses).
        #expect(index.residentBytes < 64 << 10)
        let matches = try index.resolve()
        #expect(matches.compactMap { $0 }.map(\.document) == [1234])
        #expect(matches[2000]?.similarity == 1)
    }

    @Test func cjkTextsUseCharacterShingles() throws {
        let base = (0..<400).map { String(Unicode.Scalar(0x4E00 + ($0 * 37) % 5000)!) }
        var edited = base
        edited[100] = "的"
        edited[250] = "了"
        let settings = MinHashSettings()
        let hasher = MinHasher(settings: settings)
        let units = TextUnits(base.joined())
        #expect(units.isMostlyCJK && units.count == 400)
        let similarity = hasher.sketch(of: base.joined())!.similarity(to: hasher.sketch(of: edited.joined())!)
        #expect(similarity > 0.8, "\(similarity)")
        let unrelated = (0..<400).map { String(Unicode.Scalar(0x6000 + ($0 * 53) % 5000)!) }.joined()
        #expect(hasher.sketch(of: base.joined())!.similarity(to: hasher.sketch(of: unrelated)!) < 0.1)
    }

    @Test func unitsFollowLengthCounting() {
        #expect(TextUnits("Don't STOP, don’t stop!").hashes == TextUnits("dont stop dont stop").hashes)
        #expect(TextUnits("Écrire À Paris").hashes == TextUnits("écrire à paris").hashes)
        #expect(TextUnits("用Excel写报告").count == LengthCounter.count("用Excel写报告"))
        #expect(TextUnits("a 3,000-word essay").count == 5)
        #expect(TextUnits("").count == 0 && MinHasher(settings: MinHashSettings()).sketch(of: " ,. ") == nil)
        #expect(StableHash.of("same text") == StableHash.of("same text") && StableHash.of("same text") != StableHash.of("same text."))
    }
}
