import Foundation

/// A text prepared for the coherence checks: its UTF-16 view, its sentences (as UTF-16 ranges,
/// with the paragraph each belongs to) and which UTF-16 positions lie inside quotation marks.
struct CoherenceText {
    struct Sentence {
        let range: NSRange
        let paragraph: Int
        let text: String
        /// Hashes (`CoherenceText.cueHash`) of the sentence's lower-cased Latin words and Han characters.
        let cues: [UInt64]

        /// True when the sentence holds one of `set` (hashes from `CoherenceText.cueHashes`).
        func holds(any set: Set<UInt64>) -> Bool { cues.contains { set.contains($0) } }
    }

    let string: String
    /// The text's UTF-16 code units (all ranges here are in these units).
    let units: [UInt16]
    let sentences: [Sentence]
    /// `quoted[i]` is true when UTF-16 unit `i` lies inside a quotation (reset at each line break).
    let quoted: [Bool]

    private static let terminators: Set<UInt16> = Set(".!?…。！？；".utf16)
    private static let closers: Set<UInt16> = Set("\"'”’)」』）".utf16)
    private static let abbreviations: Set<String> = ["Mr", "Mrs", "Ms", "Dr", "St", "Capt", "Lt", "Col", "Gen", "Sgt", "Prof"]

    init(_ string: String) {
        self.string = string
        let units = Array(string.utf16)
        self.units = units
        var sentences: [Sentence] = []
        var quoted = [Bool](repeating: false, count: units.count)
        var paragraph = 0
        var start = 0
        var inStraight = false
        var curlyDepth = 0
        let newline = UInt16(10)
        func emit(_ end: Int) {
            var s = start
            var e = end
            while s < e, Self.isSpace(units[s]) { s += 1 }
            while e > s, Self.isSpace(units[e - 1]) { e -= 1 }
            if e > s {
                let range = NSRange(location: s, length: e - s)
                sentences.append(Sentence(range: range, paragraph: paragraph, text: String(decoding: units[s..<e], as: UTF16.self), cues: Self.cues(units[s..<e])))
            }
            start = end
        }
        var i = 0
        while i < units.count {
            let u = units[i]
            if u == newline {
                emit(i)
                start = i + 1
                if i + 1 < units.count, units[i + 1] == newline { paragraph += 1 }
                inStraight = false
                curlyDepth = 0
                i += 1
                continue
            }
            switch u {
            case 0x22: inStraight.toggle(); quoted[i] = true
            case 0x201C, 0x300C, 0x300E: curlyDepth += 1; quoted[i] = true
            case 0x201D, 0x300D, 0x300F: curlyDepth = max(0, curlyDepth - 1); quoted[i] = true
            default: quoted[i] = inStraight || curlyDepth > 0
            }
            if Self.terminators.contains(u) {
                var end = i + 1
                while end < units.count, Self.terminators.contains(units[end]) || Self.closers.contains(units[end]) {
                    if units[end] == 0x22 { inStraight.toggle() }
                    if units[end] == 0x201D || units[end] == 0x300D || units[end] == 0x300F { curlyDepth = max(0, curlyDepth - 1) }
                    quoted[end] = true
                    end += 1
                }
                let cjk = u >= 0x3000 || u == 0xFF01 || u == 0xFF1F
                let atBreak = end == units.count || Self.isSpace(units[end])
                let attributed = cjk && end > i + 1 && Self.attribution(units, from: end)
                if (cjk || atBreak) && !attributed && !(u == 0x2E && Self.endsWithAbbreviation(units, before: i)) {
                    emit(end)
                }
                i = end
                continue
            }
            i += 1
        }
        emit(units.count)
        self.sentences = sentences
        self.quoted = quoted
    }

    /// The text of a UTF-16 range.
    func substring(_ range: NSRange) -> String {
        String(decoding: units[range.location..<(range.location + range.length)], as: UTF16.self)
    }

    /// Index of the sentence holding UTF-16 position `location` (binary search), or nil.
    func sentenceIndex(at location: Int) -> Int? {
        var lo = 0, hi = sentences.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = sentences[mid].range
            if location < r.location { hi = mid - 1 } else if location >= r.location + r.length { lo = mid + 1 } else { return mid }
        }
        return nil
    }

    /// Character (grapheme) offsets of a UTF-16 range.
    func characterRange(_ range: NSRange) -> Range<Int> {
        guard let r = Range(range, in: string) else { return 0..<0 }
        let lower = string.distance(from: string.startIndex, to: r.lowerBound)
        return lower..<(lower + string.distance(from: r.lowerBound, to: r.upperBound))
    }

    /// Hashes of the lower-cased ASCII words and single Han characters of a UTF-16 slice (no allocation per word).
    private static func cues(_ units: ArraySlice<UInt16>) -> [UInt64] {
        var result: [UInt64] = []
        var hash = fnvBasis
        var inWord = false
        for u in units {
            if (u >= 65 && u <= 90) || (u >= 97 && u <= 122) {
                hash = (hash ^ UInt64(u | 0x20)) &* fnvPrime
                inWord = true
                continue
            }
            if inWord { result.append(hash); hash = fnvBasis; inWord = false }
            if u >= 0x4E00 && u <= 0x9FFF { result.append((fnvBasis ^ UInt64(u)) &* fnvPrime) }
        }
        if inWord { result.append(hash) }
        return result
    }

    private static let fnvBasis: UInt64 = 0xcbf29ce484222325
    private static let fnvPrime: UInt64 = 0x100000001b3

    /// The hash a cue word (lower-case ASCII) or a single Han character gets in `Sentence.cues`.
    static func cueHash(_ word: String) -> UInt64 {
        var hash = fnvBasis
        for u in word.utf16 { hash = (hash ^ UInt64(u >= 65 && u <= 90 ? u | 0x20 : u)) &* fnvPrime }
        return hash
    }

    /// `cueHash` of every word in `words`.
    static func cueHashes<S: Sequence>(_ words: S) -> Set<UInt64> where S.Element == String { Set(words.map(cueHash)) }

    /// True when a short speaker attribution follows a closed Chinese quotation ("“别怕。”他低声说道。"):
    /// the quotation and its attribution stay one sentence.
    private static func attribution(_ units: [UInt16], from start: Int) -> Bool {
        var end = start
        while end < units.count, end - start <= 14, !terminators.contains(units[end]), units[end] != 10, units[end] != 0x201C { end += 1 }
        guard end < units.count, end - start <= 14, terminators.contains(units[end]) else { return false }
        let clause = String(decoding: units[start..<end], as: UTF16.self)
        return ["说", "道", "问", "喊", "答", "叫"].contains { clause.contains($0) }
    }

    private static func isSpace(_ u: UInt16) -> Bool { u == 32 || u == 9 || u == 10 || u == 13 || u == 0x3000 || u == 0xA0 }

    private static func endsWithAbbreviation(_ units: [UInt16], before index: Int) -> Bool {
        var s = index
        while s > 0, let scalar = Unicode.Scalar(units[s - 1]), CharacterSet.letters.contains(scalar) { s -= 1 }
        guard s < index else { return false }
        return abbreviations.contains(String(decoding: units[s..<index], as: UTF16.self))
    }
}
