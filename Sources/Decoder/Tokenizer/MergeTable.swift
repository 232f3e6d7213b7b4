/// The BPE merge rules as an open-addressing hash table from a pair of adjacent token ids to the
/// rule's rank (its line in `tokenizer.ggml.merges`; lower merges first) and the merged token id.
/// Looked up once or twice per byte of text, so it avoids `Dictionary`'s hashing cost.
struct MergeTable: Sendable {
    /// A merge rule that applies to a pair.
    struct Rule {
        var rank: Int32
        var merged: Int32
    }

    private static let emptyKey = UInt64.max
    private var keys: [UInt64]
    private var rules: [Rule]
    private let mask: Int

    /// Number of rules.
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.emptyKey, count: size)
        rules = [Rule](repeating: Rule(rank: 0, merged: 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Sets the rule for `(left, right)`; a later rule for the same pair replaces an earlier
    /// one, as in Hugging Face's BPE.
    mutating func insert(_ left: Int32, _ right: Int32, rule: Rule) {
        let key = Self.key(left, right)
        var index = slot(of: key)
        while keys[index] != Self.emptyKey {
            if keys[index] == key {
                rules[index] = rule
                return
            }
            index = (index + 1) & mask
        }
        keys[index] = key
        rules[index] = rule
        count += 1
    }

    /// The rule for the pair `(left, right)`, if there is one.
    @inline(__always)
    func rule(_ left: Int32, _ right: Int32) -> Rule? {
        let key = Self.key(left, right)
        return keys.withUnsafeBufferPointer { keys -> Rule? in
            var index = slot(of: key)
            while true {
                let found = keys[index]
                if found == key { return rules[index] }
                if found == Self.emptyKey { return nil }
                index = (index + 1) & mask
            }
        }
    }
}
