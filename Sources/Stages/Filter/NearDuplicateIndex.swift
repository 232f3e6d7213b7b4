import Foundation

/// A document's place in the greedy order of near-duplicate resolution: documents kept by earlier
/// runs come first, then higher quality score, then the smaller stable key. The order never
/// depends on the order in which documents arrived.
public struct DocumentRank: Sendable, Equatable {
    public var prior: Bool
    public var score: Float
    public var key: UInt64

    public init(prior: Bool = false, score: Float = 0, key: UInt64) {
        self.prior = prior
        self.score = score
        self.key = key
    }

    /// Whether `a` is resolved before `b`.
    public static func precedes(_ a: DocumentRank, _ b: DocumentRank) -> Bool {
        if a.prior != b.prior { return a.prior }
        if a.score != b.score { return a.score > b.score }
        return a.key < b.key
    }
}

/// MinHash-LSH near-duplicate index with bounded memory.
///
/// Documents are added as sketches (one 8-byte hash per band plus one byte per permutation);
/// both are stored in `SpillColumn`s that move to disk past the memory budget. `findPairs` then
/// works band by band: it sorts (band hash, rank position) keys, and within each run of equal
/// band hashes compares every document with the documents ranked just before it (at most
/// `maxComparisons` of them, plus the run's first); pairs whose estimated similarity reaches the
/// threshold are reported. `resolve` joins them into clusters (`DuplicateClusters`): every member
/// but the best-ranked is a near-duplicate.
public final class NearDuplicateIndex {
    /// A document's place in its cluster: its most similar linked document and the cluster's representative.
    public struct Match: Sendable, Equatable {
        public var document: Int
        public var similarity: Double
        public var representative: Int
    }

    public let settings: MinHashSettings
    /// Earlier-ranked documents a document is compared with in one band bucket (besides the first).
    public static let maxComparisons = 32
    private let bandColumns: [SpillColumn]
    private let sketches: SpillColumn
    private var ranks: [DocumentRank] = []

    /// `memoryLimit` bounds the bytes of sketches held in memory before they spill to `spillDirectory`.
    public init(settings: MinHashSettings, memoryLimit: Int = 256 << 20, spillDirectory: String = NSTemporaryDirectory()) {
        self.settings = settings
        let perDocument = settings.bands * 8 + settings.permutations
        bandColumns = (0..<settings.bands).map { _ in
            SpillColumn(rowBytes: 8, memoryLimit: memoryLimit * 8 / perDocument, directory: spillDirectory)
        }
        sketches = SpillColumn(rowBytes: settings.permutations, memoryLimit: memoryLimit * settings.permutations / perDocument,
                               directory: spillDirectory)
    }

    public var count: Int { ranks.count }

    /// Bytes of sketches currently held in memory (the rest is on disk).
    public var residentBytes: Int { bandColumns.reduce(sketches.residentBytes) { $0 + $1.residentBytes } }

    /// Adds a document; returns its number (0, 1, 2, … in the order of adding).
    @discardableResult
    public func add(_ sketch: MinHashSketch, rank: DocumentRank) throws -> Int {
        precondition(sketch.bands.count == settings.bands && sketch.bits.count == settings.permutations)
        for (band, column) in zip(sketch.bands, bandColumns) {
            try withUnsafeBytes(of: band) { try column.append($0) }
        }
        try sketch.bits.withUnsafeBytes { try sketches.append($0) }
        ranks.append(rank)
        return ranks.count - 1
    }

    /// For every document that is not its cluster's representative (nor kept by an earlier run),
    /// its match; nil for the others. Documents for which `isActive` is false take no part.
    public func resolve(isActive: (Int) -> Bool = { _ in true }) throws -> [Match?] {
        var clusters = DuplicateClusters(ranks: ranks)
        try findPairs(isActive: isActive) { a, b, similarity in clusters.link(a, b, similarity: similarity) }
        return (0..<ranks.count).map { d in
            let representative = clusters.representative(of: d)
            guard representative != d, !ranks[d].prior, let nearest = clusters.nearest(d) else { return nil }
            return Match(document: nearest.document, similarity: nearest.similarity, representative: representative)
        }
    }

    /// Calls `pair(earlier, later, similarity)` for each candidate pair (documents sharing a band)
    /// whose estimated similarity reaches the threshold; a pair may be reported once per shared band.
    /// Pairs of two documents kept by earlier runs are skipped.
    public func findPairs(isActive: (Int) -> Bool, _ pair: (Int, Int, Double) throws -> Void) throws {
        let order = (0..<ranks.count).filter(isActive).sorted { DocumentRank.precedes(ranks[$0], ranks[$1]) || (ranks[$0] == ranks[$1] && $0 < $1) }
        guard order.count > 1 else { return }
        let positionBits = UInt64(Int.bitWidth - (order.count - 1).leadingZeroBitCount)
        let lowMask: UInt64 = (1 << positionBits) - 1
        var sketchK = [UInt8](repeating: 0, count: settings.permutations)
        var sketchJ = [UInt8](repeating: 0, count: settings.permutations)

        func compare(_ k: Int, with j: Int) throws {
            if ranks[j].prior && ranks[k].prior { return }
            try sketchJ.withUnsafeMutableBytes { try sketches.read(j, into: $0) }
            let similarity = sketchK.withUnsafeBufferPointer { a in
                sketchJ.withUnsafeBufferPointer { b in MinHashSketch.similarity(a, b) }
            }
            if similarity >= settings.threshold { try pair(j, k, similarity) }
        }

        for column in bandColumns {
            var keys = [UInt64]()
            do {
                let hashes = try column.readAll(as: UInt64.self)
                keys.reserveCapacity(order.count)
                for (p, d) in order.enumerated() { keys.append(hashes[d] & ~lowMask | UInt64(p)) }
            }
            keys.sort()
            var start = 0
            while start < keys.count {
                var end = start + 1
                while end < keys.count && keys[end] & ~lowMask == keys[start] & ~lowMask { end += 1 }
                defer { start = end }
                guard end - start > 1 else { continue }
                for i in start + 1..<end {
                    let k = order[Int(keys[i] & lowMask)]
                    try sketchK.withUnsafeMutableBytes { try sketches.read(k, into: $0) }
                    let window = max(start, i - Self.maxComparisons)
                    if window > start { try compare(k, with: order[Int(keys[start] & lowMask)]) }
                    for c in window..<i { try compare(k, with: order[Int(keys[c] & lowMask)]) }
                }
            }
        }
    }
}
