/// Writing-system classification used for language detection and length counting.
public enum Script: Sendable {
    case han, kana, hangul, latin, other, nonLetter

    /// The script of one Unicode scalar.
    public static func of(_ scalar: Unicode.Scalar) -> Script {
        let v = scalar.value
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0xF900...0xFAFF, 0x30000...0x3134F:
            return .han
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9D:
            return .kana
        case 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F:
            return .hangul
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF:
            return v == 0xD7 || v == 0xF7 ? .nonLetter : .latin
        case 0..<0x80:
            return .nonLetter
        default:
            return scalar.properties.isAlphabetic ? .other : .nonLetter
        }
    }

    /// Whether the script is counted per character (Chinese, Japanese, Korean).
    public var isCJK: Bool { self == .han || self == .kana || self == .hangul }
}

/// Language by script: `zh`, `ja`, `ko`, `latin` (English or another Latin-script language), `other`.
public enum LanguageDetector {
    public static func detect(_ text: String) -> String {
        var han = 0, kana = 0, hangul = 0, latin = 0, other = 0
        for scalar in text.unicodeScalars {
            switch Script.of(scalar) {
            case .han: han += 1
            case .kana: kana += 1
            case .hangul: hangul += 1
            case .latin: latin += 1
            case .other: other += 1
            case .nonLetter: break
            }
        }
        let cjk = han + kana + hangul
        let letters = cjk + latin + other
        guard letters > 0 else { return "other" }
        // CJK characters carry about as much as a Latin word (~5 letters), so weigh them up.
        if Double(cjk) * 4 >= Double(latin + other) {
            if kana > 0 && kana * 10 >= cjk { return "ja" }
            if hangul >= han && hangul >= kana { return "ko" }
            return han > 0 ? "zh" : (kana > 0 ? "ja" : "ko")
        }
        return latin >= other ? "latin" : "other"
    }
}

/// Text length as LongWriter counts it: each CJK character counts one, plus each word of other scripts.
public enum LengthCounter {
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? (0x30...0x39).contains(scalar.value) : scalar.properties.numericType != nil
    }

    public static func count(_ text: String) -> Int {
        var total = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let script = Script.of(scalar)
            if script.isCJK {
                total += 1
                inWord = false
            } else if script != .nonLetter || Self.isDigit(scalar) || (inWord && (scalar == "'" || scalar == "’" || scalar == "-")) {
                if !inWord { total += 1; inWord = true }
            } else {
                inWord = false
            }
        }
        return total
    }
}
