/// The nearest-neighbour length vote: the `k` labelled training queries most similar to a query,
/// each voting for its bucket with its similarity.
public struct NearestNeighbourLength: Sendable {
    /// A neighbour found for a query.
    public struct Neighbour: Sendable {
        public let query: String
        public let bucket: LengthBucket
        public let similarity: Double
    }

    /// What the neighbours say about one query.
    public struct Vote: Sendable {
        /// The bucket with the most similarity behind it (nil when no neighbour shares a term).
        public let bucket: LengthBucket?
        /// Each bucket's share of the neighbours' similarity (sums to 1 unless empty).
        public let shares: [LengthBucket: Double]
        public let neighbours: [Neighbour]
    }

    public let examples: [LabelledQuery]
    public let index: any QuerySimilarityIndex
    public let k: Int

    /// A vote over the training rows of `examples`, compared by `index` (built on the same rows,
    /// in the same order, by `makeIndex`).
    public init(examples: [LabelledQuery], k: Int, makeIndex: ([String]) -> any QuerySimilarityIndex = { TFIDFIndex(examples: $0) }) {
        self.examples = examples.filter(\.isTraining)
        self.k = k
        index = makeIndex(self.examples.map(\.query))
    }

    /// The vote of the `k` nearest training queries.
    public func vote(_ query: String) -> Vote {
        let ranked = zip(examples, index.similarities(to: query))
            .filter { $0.1 > 0 }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.query < $1.0.query }
            .prefix(k)
        let neighbours = ranked.map { Neighbour(query: $0.0.query, bucket: $0.0.bucket, similarity: $0.1) }
        let total = neighbours.reduce(0) { $0 + $1.similarity }
        guard total > 0 else { return Vote(bucket: nil, shares: [:], neighbours: []) }
        var shares: [LengthBucket: Double] = [:]
        for neighbour in neighbours { shares[neighbour.bucket, default: 0] += neighbour.similarity / total }
        let best = shares.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        return Vote(bucket: best, shares: shares, neighbours: neighbours)
    }
}
