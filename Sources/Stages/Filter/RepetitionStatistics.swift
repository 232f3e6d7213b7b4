import Foundation

/// Gopher-style repetition measures of a text (Rae et al. 2021, "Scaling Language Models", appendix A):
/// how much of it is repeated lines, repeated paragraphs, its most frequent short n-grams and
/// n-grams that occurred before. A model writing past its comfort zone loops and pads; these catch it.
///
/// N-grams run over `TextUnits` (words; CJK characters). For a text written mostly in CJK
/// characters an n-gram is 2n characters, about n Chinese words.
public struct RepetitionStatistics: Sendable, Equatable {
    /// Non-empty lines equal (after trimming) to an earlier line, over all non-empty lines.
    public var duplicateLineFraction = 0.0
    /// Characters in those lines over characters in all non-empty lines.
    public var duplicateLineCharFraction = 0.0
    /// Paragraphs (separated by blank lines) equal to an earlier one, over all paragraphs.
    public var duplicateParagraphFraction = 0.0
    /// Characters in those paragraphs over characters in all paragraphs.
    public var duplicateParagraphCharFraction = 0.0
    /// For each n: characters covered by the most frequent n-gram (all its occurrences) over all unit characters.
    public var topNGramFraction: [Int: Double] = [:]
    /// For each n: characters of units inside an n-gram that already occurred earlier, over all unit characters.
    public var duplicateNGramFraction: [Int: Double] = [:]

    public init() {}

    /// Measures `text` (already whitespace-normalised) whose units are `units`.
    public init(text: String, units: TextUnits, topSizes: [Int], duplicateSizes: [Int]) {
        (duplicateLineFraction, duplicateLineCharFraction) = Self.duplicateSegments(text.split(separator: "\n"))
        (duplicateParagraphFraction, duplicateParagraphCharFraction) = Self.duplicateSegments(text.components(separatedBy: "\n\n").map { Substring($0) })
        let scale = units.isMostlyCJK ? 2 : 1
        let total = Double(units.totalLength)
        for n in topSizes { topNGramFraction[n] = total > 0 ? Double(Self.topNGramCharacters(units, n: n * scale)) / total : 0 }
        for n in duplicateSizes { duplicateNGramFraction[n] = total > 0 ? Double(Self.duplicateNGramCharacters(units, n: n * scale)) / total : 0 }
    }

    /// (count fraction, character fraction) of segments equal to an earlier segment.
    static func duplicateSegments(_ segments: [Substring]) -> (Double, Double) {
        var seen = Set<UInt64>()
        var count = 0, duplicates = 0, characters = 0, duplicateCharacters = 0
        for segment in segments {
            let trimmed = segment.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let length = trimmed.unicodeScalars.count
            count += 1
            characters += length
            if !seen.insert(StableHash.of(trimmed)).inserted {
                duplicates += 1
                duplicateCharacters += length
            }
        }
        guard count > 0 else { return (0, 0) }
        return (Double(duplicates) / Double(count), Double(duplicateCharacters) / Double(max(1, characters)))
    }

    @inline(__always)
    static func nGramHash(_ hashes: UnsafeBufferPointer<UInt64>, at start: Int, n: Int) -> UInt64 {
        var x = UInt64(n) &* StableHash.golden
        for j in start..<start + n { x = (x ^ hashes[j]) &* StableHash.golden; x = (x << 27) | (x >> 37) }
        return x
    }

    static func topNGramCharacters(_ units: TextUnits, n: Int) -> Int {
        guard n > 0, units.count >= n else { return 0 }
        var counts: [UInt64: (count: Int, first: Int)] = [:]
        units.hashes.withUnsafeBufferPointer { h in
            for start in 0...(units.count - n) {
                counts[nGramHash(h, at: start, n: n), default: (0, start)].count += 1
            }
        }
        guard let top = counts.values.max(by: { $0.count < $1.count || ($0.count == $1.count && $0.first > $1.first) }),
              top.count > 1 else { return 0 }
        let length = units.lengths[top.first..<top.first + n].reduce(0) { $0 + Int($1) }
        return length * top.count
    }

    static func duplicateNGramCharacters(_ units: TextUnits, n: Int) -> Int {
        guard n > 0, units.count >= n else { return 0 }
        var seen = Set<UInt64>(minimumCapacity: units.count)
        var covered = [Bool](repeating: false, count: units.count)
        units.hashes.withUnsafeBufferPointer { h in
            for start in 0...(units.count - n) where !seen.insert(nGramHash(h, at: start, n: n)).inserted {
                for j in start..<start + n { covered[j] = true }
            }
        }
        var characters = 0
        for (i, isCovered) in covered.enumerated() where isCovered { characters += Int(units.lengths[i]) }
        return characters
    }
}
