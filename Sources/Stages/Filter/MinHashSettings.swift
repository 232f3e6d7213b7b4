/// Parameters of MinHash-LSH near-duplicate detection.
///
/// `permutations` hash functions are split into `bands` bands of `rows` each; two texts become a
/// candidate pair when all rows of one band agree, which happens with probability
/// 1 − (1 − J^rows)^bands for Jaccard similarity J (14 × 8: 0.5 at J = 0.69, 0.92 at J = 0.8).
/// A candidate pair counts as near-duplicate when its estimated similarity reaches `threshold`.
public struct MinHashSettings: Sendable, Equatable, Encodable {
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

}
