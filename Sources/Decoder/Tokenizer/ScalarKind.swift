/// The character classes the pre-tokenizer patterns are written in: `\p{L}`, `\p{N}`, `\s`
/// (the Unicode `White_Space` property, which is what Oniguruma's `\s` matches in the Hugging Face
/// tokenizers), and everything else (`[^\s\p{L}\p{N}]`).
///
/// Classes come from the Swift runtime's Unicode data, which is newer than the Oniguruma build
/// inside Hugging Face tokenizers 0.23: the 4,644 letters and 13 numbers assigned since then
/// (new scripts, e.g. U+10940...) are letters/numbers here and `other` there. All scalars
/// assigned by Unicode 14 classify identically (checked over the whole code space).
enum ScalarKind: UInt8 {
    case letter
    case number
    case whitespace
    case other

    /// The class of `scalar`, from a table for the Basic Multilingual Plane and the scalar
    /// properties above it.
    @inline(__always)
    static func of(_ scalar: UInt32) -> ScalarKind {
        if scalar < 0x10000 {
            return ScalarKind(rawValue: basicPlaneTable[Int(scalar)])!
        }
        return computed(scalar)
    }

    /// Lookup table for U+0000...U+FFFF, built once on first use.
    private static let basicPlaneTable: [UInt8] = (0 ..< 0x10000).map { computed(UInt32($0)).rawValue }

    private static func computed(_ value: UInt32) -> ScalarKind {
        guard let scalar = Unicode.Scalar(value) else { return .other }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }
}
