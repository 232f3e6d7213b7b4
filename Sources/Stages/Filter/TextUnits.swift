/// A text cut into the units its length is counted in (as `LengthCounter` does): each CJK character
/// is one unit, and so is each run of letters and digits of other scripts, lower-cased. An apostrophe
/// inside a word joins it (`don't` is one unit); other punctuation and whitespace separate units.
///
/// Units are kept as stable 64-bit hashes with their length in characters: enough for shingles
/// (near-duplicate detection) and for Gopher-style repetition measures, without copying the text.
public struct TextUnits: Sendable {
    /// Stable hash of each unit's lower-cased text.
    public private(set) var hashes: [UInt64] = []
    /// Characters (Unicode scalars) of each unit.
    public private(set) var lengths: [Int32] = []
    /// How many units are CJK characters.
    public private(set) var cjkUnits = 0

    public var count: Int { hashes.count }
    /// Whether CJK characters make up most units (then n-grams count characters, not words).
    public var isMostlyCJK: Bool { cjkUnits * 2 > hashes.count }
    /// Characters over all units.
    public var totalLength: Int { lengths.reduce(0) { $0 + Int($1) } }

    public init(_ text: String) {
        var copy = text
        copy.withUTF8 { scan($0) }
    }

    private static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        hashes.reserveCapacity(bytes.count / 5)
        lengths.reserveCapacity(bytes.count / 5)
        var word = Self.fnvOffset
        var wordLength: Int32 = 0
        func endWord() {
            guard wordLength > 0 else { return }
            hashes.append(StableHash.mix(word))
            lengths.append(wordLength)
            word = Self.fnvOffset
            wordLength = 0
        }
        func addToWord(_ value: UInt32) {
            word = (word ^ UInt64(value)) &* Self.fnvPrime
            wordLength += 1
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                switch b {
                case 0x61...0x7A, 0x30...0x39: addToWord(UInt32(b))
                case 0x41...0x5A: addToWord(UInt32(b | 0x20))
                case 0x27 where wordLength > 0: continue
                default: endWord()
                }
                continue
            }
            let (scalar, size) = Self.decode(bytes, at: i)
            i += size
            guard let scalar else { endWord(); continue }
            let script = Script.of(scalar)
            if script.isCJK {
                endWord()
                hashes.append(StableHash.mix(UInt64(scalar.value) | 0xC1C0_0000_0000))
                lengths.append(1)
                cjkUnits += 1
            } else if script != .nonLetter || LengthCounter.isDigit(scalar) {
                let lower = scalar.properties.changesWhenLowercased ? scalar.properties.lowercaseMapping.unicodeScalars : nil
                if let lower { for s in lower { addToWord(s.value) } } else { addToWord(scalar.value) }
            } else if scalar == "\u{2019}" && wordLength > 0 {
                continue
            } else {
                endWord()
            }
        }
        endWord()
    }

    /// Decodes the UTF-8 sequence starting at `i` (input is valid UTF-8, as Swift strings are).
    @inline(__always)
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar?, Int) {
        let b = bytes[i]
        let size = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        guard size > 1, i + size <= bytes.count else { return (nil, 1) }
        var value = UInt32(b) & (0xFF >> (size + 1))
        for k in 1..<size { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (Unicode.Scalar(value), size)
    }
}
