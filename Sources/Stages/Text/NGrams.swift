/// Word n-grams (character n-grams for CJK) over `TextUnits`, as stable hashes: repeated n-grams
/// inside one text (a model looping) and n-grams two texts share (one quoting the other).
public enum NGrams {
    /// The n-gram size for a text: `words` for most texts, `cjkCharacters` when CJK characters
    /// make up most of its units.
    public static func size(for units: TextUnits, words: Int, cjkCharacters: Int) -> Int {
        units.isMostlyCJK ? cjkCharacters : words
    }

    /// Hashes of every n-gram of `units`, in order (empty when the text is shorter than `n`).
    public static func hashes(_ units: TextUnits, n: Int) -> [UInt64] {
        guard n > 0, units.count >= n else { return [] }
        return units.hashes.withUnsafeBufferPointer { h in
            (0...(units.count - n)).map { RepetitionStatistics.nGramHash(h, at: $0, n: n) }
        }
    }

    /// The unit index where an n-gram occurs for the second time, or nil when no n-gram repeats.
    public static func firstRepeat(in units: TextUnits, n: Int) -> Int? {
        var seen = Set<UInt64>()
        for (index, hash) in hashes(units, n: n).enumerated() where !seen.insert(hash).inserted { return index }
        return nil
    }

    /// Whether `text` holds an n-gram that also occurs in `source`.
    public static func shares(_ text: TextUnits, with source: TextUnits, n: Int) -> Bool {
        let known = Set(hashes(source, n: n))
        return hashes(text, n: n).contains { known.contains($0) }
    }
}
