import Foundation

/// Parameters of MinHash-LSH near-duplicate detection.
///
/// `permutations` hash functions are split into `bands` bands of `rows` each; two texts become a
/// candidate pair when all rows of one band agree, which happens with probability
/// 1 − (1 − J^rows)^bands for Jaccard similarity J (the S-curve centred near (1/bands)^(1/rows)).
/// A candidate pair counts as near-duplicate when its estimated similarity reaches `threshold`.
public struct MinHashSettings: Sendable, Equatable {
    public var permutations = 112
    public var bands = 14
    /// Words per shingle.
    public var shingleSize = 5
    /// Characters per shingle for texts written mostly in CJK characters.
    public var cjkShingleSize = 5
    /// Minimum estimated Jaccard similarity of a candidate pair; 0 accepts every band collision.
    public var threshold = 0.7
    /// Seed of the hash functions: the same seed gives the same sketches everywhere.
    public var seed: UInt64 = 1

    public init() {}

    public var rows: Int { permutations / bands }

    /// The similarity at which a pair becomes a candidate with probability about one half.
    public var curveCentre: Double { pow(1 / Double(bands), 1 / Double(rows)) }

    /// Probability that a pair of Jaccard similarity `jaccard` collides in at least one band.
    public func candidateProbability(jaccard: Double) -> Double {
        1 - pow(1 - pow(jaccard, Double(rows)), Double(bands))
    }

    /// Canonical form for cache keys.
    public var canonical: String {
        "perm=\(permutations);bands=\(bands);shingle=\(shingleSize);cjk=\(cjkShingleSize);t=\(threshold);seed=\(seed)"
    }
}
