/// Groups documents linked by near-duplicate pairs into clusters (union-find) and names each
/// cluster's representative: its best-ranked member (records kept by earlier runs first, then
/// the highest quality score, then the smallest key). Clusters and representatives depend only on
/// which pairs are linked and on the ranks, never on the order the links arrive in.
public struct DuplicateClusters: Sendable {
    /// A document's most similar linked document.
    public struct Link: Sendable, Equatable {
        public var document: Int
        public var similarity: Double
        /// Which comparison found it (e.g. 0 for instructions, 1 for responses).
        public var tag: Int
    }

    public let ranks: [DocumentRank]
    private var parent: [Int32]
    private var best: [Int32]
    private var nearestLink: [Link?]

    public init(ranks: [DocumentRank]) {
        self.ranks = ranks
        parent = (0..<Int32(ranks.count)).map { $0 }
        best = parent
        nearestLink = Array(repeating: nil, count: ranks.count)
    }

    /// Records that `a` and `b` are near-duplicates with the given estimated similarity.
    public mutating func link(_ a: Int, _ b: Int, similarity: Double, tag: Int = 0) {
        guard a != b else { return }
        offer(Link(document: b, similarity: similarity, tag: tag), to: a)
        offer(Link(document: a, similarity: similarity, tag: tag), to: b)
        let ra = root(a), rb = root(b)
        guard ra != rb else { return }
        let winner = precedes(Int(best[ra]), Int(best[rb])) ? best[ra] : best[rb]
        parent[rb] = Int32(ra)
        best[ra] = winner
    }

    /// The representative of the cluster holding `d` (`d` itself when it is linked to nothing).
    public mutating func representative(of d: Int) -> Int { Int(best[root(d)]) }

    /// The most similar document linked to `d`, if any (ties: the better-ranked one).
    public func nearest(_ d: Int) -> Link? { nearestLink[d] }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        DocumentRank.precedes(ranks[a], ranks[b]) || (ranks[a] == ranks[b] && a < b)
    }

    private mutating func offer(_ link: Link, to d: Int) {
        if let current = nearestLink[d], current.similarity > link.similarity
            || (current.similarity == link.similarity && !precedes(link.document, current.document)) {
            return
        }
        nearestLink[d] = link
    }

    private mutating func root(_ d: Int) -> Int {
        var r = d
        while Int(parent[r]) != r { r = Int(parent[r]) }
        var x = d
        while Int(parent[x]) != r {
            let next = Int(parent[x])
            parent[x] = Int32(r)
            x = next
        }
        return r
    }
}
