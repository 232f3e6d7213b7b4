/// A set of token ids out of a vocabulary, as a bitset: the tokens a grammar allows next.
public struct TokenMask: Sendable, Hashable {
    /// Size of the vocabulary the ids index.
    public let vocabularySize: Int
    private var words: [UInt64]

    /// The empty set over a vocabulary of `vocabularySize` tokens.
    public init(vocabularySize: Int) {
        self.vocabularySize = vocabularySize
        words = [UInt64](repeating: 0, count: (vocabularySize + 63) / 64)
    }

    /// Whether `id` is in the set (ids outside the vocabulary never are).
    public func contains(_ id: Int32) -> Bool {
        guard id >= 0, Int(id) < vocabularySize else { return false }
        return words[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0
    }

    /// Adds `id`, which must be inside the vocabulary.
    @inline(__always)
    mutating func insert(_ id: Int32) {
        words[Int(id) >> 6] |= 1 << UInt64(id & 63)
    }

    /// Removes `id`, which must be inside the vocabulary.
    @inline(__always)
    mutating func remove(_ id: Int32) {
        words[Int(id) >> 6] &= ~(1 << UInt64(id & 63))
    }

    /// Runs `body` on the bitset words (bit `id % 64` of word `id / 64`).
    mutating func withUnsafeMutableWords<Result>(_ body: (UnsafeMutableBufferPointer<UInt64>) -> Result) -> Result {
        words.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Number of ids in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Whether no id is in the set.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// The ids in the set, ascending.
    public var ids: [Int32] {
        var result: [Int32] = []
        for (index, word) in words.enumerated() {
            var rest = word
            while rest != 0 {
                result.append(Int32(index * 64 + rest.trailingZeroBitCount))
                rest &= rest - 1
            }
        }
        return result
    }

    /// Sets the logit of every id not in the set to -infinity; positions past the vocabulary
    /// (padding rows some models have) are never allowed either.
    public func apply(to logits: UnsafeMutableBufferPointer<Float>) {
        let covered = min(logits.count, vocabularySize)
        words.withUnsafeBufferPointer { words in
            var start = 0
            for word in words where start < covered {
                if word != UInt64.max {
                    for offset in 0 ..< min(64, covered - start) where word & (1 << UInt64(offset)) == 0 {
                        logits[start + offset] = -.infinity
                    }
                }
                start += 64
            }
        }
        for index in covered ..< logits.count { logits[index] = -.infinity }
    }
}
