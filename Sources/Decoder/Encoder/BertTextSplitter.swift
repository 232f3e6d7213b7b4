import Foundation

/// BERT's text preparation before WordPiece (the `BertNormalizer` and `BertPreTokenizer` of
/// Hugging Face `tokenizers`, uncased): control characters removed, whitespace made a space,
/// CJK ideographs set apart, accents stripped (NFD, nonspacing marks dropped), lowercased
/// per character; then split on whitespace, each punctuation character a word of its own.
enum BertTextSplitter {
    /// The words of `text`, each as its Unicode scalars.
    static func words(_ text: String) -> [[Unicode.Scalar]] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { continue }
            if isWhitespace(scalar) {
                cleaned.append(" ")
            } else if isCJK(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        func flush() {
            if !word.isEmpty { words.append(word); word.removeAll(keepingCapacity: true) }
        }
        for scalar in String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                if lower.properties.isWhitespace {
                    flush()
                } else if isPunctuation(lower) {
                    flush()
                    words.append([lower])
                } else {
                    word.append(lower)
                }
            }
        }
        flush()
        return words
    }

    /// Tab, newline and carriage return count as whitespace, not control.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// Non-printing characters (categories Cc, Cf, Cs, Co, Cn) other than tab, newline, return.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII punctuation and symbols, and every Unicode punctuation category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if (33 ... 47).contains(v) || (58 ... 64).contains(v) || (91 ... 96).contains(v) || (123 ... 126).contains(v) { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks (and compatibility ideographs) BERT splits per character.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00 ... 0x9FFF, 0x3400 ... 0x4DBF, 0x20000 ... 0x2A6DF, 0x2A700 ... 0x2B73F,
             0x2B740 ... 0x2B81F, 0x2B820 ... 0x2CEAF, 0xF900 ... 0xFAFF, 0x2F800 ... 0x2FA1F: return true
        default: return false
        }
    }
}
