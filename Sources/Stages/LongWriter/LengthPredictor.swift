/// How much each signal's answer counts in the length vote.
public struct LengthVoteWeights: Sendable, Encodable, Equatable {
    public var heuristic: Double
    public var neighbours: Double
    /// The model's answer (0: the model is not asked).
    public var model: Double

    public init(heuristic: Double, neighbours: Double, model: Double) {
        self.heuristic = heuristic
        self.neighbours = neighbours
        self.model = model
    }
}

/// The signals that predict how long an answer a query needs when it states no length, and the
/// vote between them: the heuristic (cue phrases re-fitted on labelled queries), the nearest
/// labelled queries, and optionally the model's two-step answer.
public struct LengthPredictor: Sendable {
    public let heuristic: LengthHeuristic
    public let neighbours: NearestNeighbourLength

    /// A predictor learning from the training rows of `examples`.
    public init(examples: [LabelledQuery], k: Int,
                makeIndex: ([String]) -> any QuerySimilarityIndex = { TFIDFIndex(examples: $0) }) {
        heuristic = LengthHeuristic(fittedOn: examples)
        neighbours = NearestNeighbourLength(examples: examples, k: k, makeIndex: makeIndex)
    }

    /// Every signal's answer for a query and the bucket the vote chose.
    public struct Prediction: Sendable {
        public let heuristic: LengthBucket
        public let neighbours: NearestNeighbourLength.Vote
        public let model: LengthBucket?
        /// Each bucket's weighted votes.
        public let votes: [LengthBucket: Double]
        public let chosen: LengthBucket
    }

    /// The model-free signals and the vote, adding `model`'s answer when there is one.
    public func predict(_ query: String, model: LengthBucket? = nil, weights: LengthVoteWeights) -> Prediction {
        let byRule = heuristic.predict(query)
        let near = neighbours.vote(query)
        let votes = Self.votes(heuristic: byRule, neighbours: near.shares, model: model, weights: weights)
        return Prediction(heuristic: byRule, neighbours: near, model: model, votes: votes, chosen: Self.winner(votes, heuristic: byRule))
    }

    /// Weighted votes: the heuristic and the model give their whole weight to their bucket, the
    /// neighbours share theirs by similarity.
    static func votes(heuristic: LengthBucket, neighbours: [LengthBucket: Double], model: LengthBucket?,
                      weights: LengthVoteWeights) -> [LengthBucket: Double] {
        var votes: [LengthBucket: Double] = [:]
        votes[heuristic, default: 0] += weights.heuristic
        for (bucket, share) in neighbours { votes[bucket, default: 0] += weights.neighbours * share }
        if let model { votes[model, default: 0] += weights.model }
        return votes
    }

    /// The bucket with the most votes; a tie goes to the heuristic's bucket when it is among the
    /// leaders, else to the smallest leader.
    static func winner(_ votes: [LengthBucket: Double], heuristic: LengthBucket) -> LengthBucket {
        guard let top = votes.values.max() else { return heuristic }
        let leaders = votes.filter { abs($0.value - top) < 1e-9 }.map(\.key)
        return leaders.contains(heuristic) ? heuristic : leaders.min() ?? heuristic
    }
}
