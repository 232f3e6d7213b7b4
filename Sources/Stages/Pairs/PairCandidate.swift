import Pipeline

/// One half of a pair with its scores: where it came from, its length and, when known, its
/// length score S_l and the judge's quality score S_q.
struct PairCandidate: Sendable {
    var origin: String
    var prompt: String
    var response: String
    var words: Int
    var lengthScore: Double?
    var qualityScore: Double?

    init(origin: String, prompt: String, response: String, required: Int?, qualityScore: Double? = nil) {
        self.origin = origin
        self.prompt = prompt
        self.response = response
        words = LengthCounter.count(response)
        lengthScore = required.flatMap { $0 > 0 ? MakePairsStage.rounded(LengthScore.score(required: $0, produced: words)) : nil }
        self.qualityScore = qualityScore
    }

    /// The scores as the pair record's side field holds them (every key always present).
    var summary: JSONValue {
        ["origin": .string(origin), "produced_words": .int(words),
         "length_score": lengthScore.map(JSONValue.double) ?? .null, "quality_score": qualityScore.map(JSONValue.double) ?? .null]
    }
}
