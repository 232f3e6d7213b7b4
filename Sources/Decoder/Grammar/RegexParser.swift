/// Parses the practical regular-expression subset that response formats use into a `RegexNode`.
///
/// Supported: literals (any Unicode text), `.` (any scalar but `\n`), escapes `\d \D \w \W \s \S`
/// (ASCII meanings), `\n \r \t \f \v \0 \xHH \uHHHH \u{H…}` and escaped punctuation, classes
/// `[a-z]`, `[^"\\]` (PCRE style: a `]` right after `[` or `[^` is literal), groups `(…)`, `(?:…)`
/// and `(?<name>…)`, alternation `|`, quantifiers `* + ? {m} {m,} {m,n} {,n}` (a lazy `?` suffix
/// is accepted: it does not change what matches), and `^` / `$` at the very start / end.
/// The whole output must match, anchored or not. A `{` that does not start a quantifier is a
/// literal.
///
/// Not supported, with a `GrammarError.unsupportedRegex`: back-references, look-around, word
/// boundaries, anchors inside the pattern, Unicode properties `\p{…}`, POSIX classes, inline
/// flags and possessive quantifiers.
struct RegexParser {
    /// Largest repetition count accepted in `{m,n}`.
    static let maxRepetition = 100_000

    private let pattern: String
    private let scalars: [Unicode.Scalar]
    private var position = 0

    private init(_ pattern: String) {
        self.pattern = pattern
        scalars = Array(pattern.unicodeScalars)
    }

    /// The language of `pattern`.
    static func parse(_ pattern: String) throws -> RegexNode {
        var parser = RegexParser(pattern)
        if parser.peek == "^" { parser.position += 1 }
        let node = try parser.parseChoice()
        if parser.position < parser.scalars.count {
            throw parser.invalid("unmatched )")
        }
        return node
    }

    // MARK: Structure

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func peek(at offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func parseChoice() throws -> RegexNode {
        var choices = [try parseSequence()]
        while peek == "|" {
            position += 1
            choices.append(try parseSequence())
        }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    private mutating func parseSequence() throws -> RegexNode {
        var parts: [RegexNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            if scalar == "$" && position == scalars.count - 1 {
                position += 1
                break
            }
            let atom = try parseAtom()
            parts.append(try parseQuantifiers(of: atom))
        }
        switch parts.count {
        case 0: return .empty
        case 1: return parts[0]
        default: return .sequence(parts)
        }
    }

    private mutating func parseQuantifiers(of atom: RegexNode) throws -> RegexNode {
        guard let bounds = try parseQuantifier() else { return atom }
        if peek == "?" {
            position += 1
        } else if peek == "+" {
            throw unsupported("possessive quantifier", at: position)
        }
        if let scalar = peek, scalar == "*" || scalar == "+" || scalar == "?" || startsBraceQuantifier() {
            throw invalid("nothing to repeat (a quantifier follows a quantifier)")
        }
        return .repeated(atom, min: bounds.min, max: bounds.max)
    }

    private mutating func parseQuantifier() throws -> (min: Int, max: Int?)? {
        switch peek {
        case "*": position += 1; return (0, nil)
        case "+": position += 1; return (1, nil)
        case "?": position += 1; return (0, 1)
        case "{":
            guard startsBraceQuantifier() else { return nil }
            return try parseBraceQuantifier()
        default: return nil
        }
    }

    /// Whether the text at `position` is `{m}`, `{m,}`, `{m,n}` or `{,n}`.
    private func startsBraceQuantifier() -> Bool {
        guard peek == "{" else { return false }
        var index = position + 1
        var digitsBefore = 0, digitsAfter = 0, commas = 0
        while index < scalars.count, scalars[index] != "}" {
            switch scalars[index] {
            case "0" ... "9": if commas == 0 { digitsBefore += 1 } else { digitsAfter += 1 }
            case ",": commas += 1
            default: return false
            }
            index += 1
        }
        return index < scalars.count && commas <= 1 && (digitsBefore > 0 || (commas == 1 && digitsAfter > 0))
    }

    private mutating func parseBraceQuantifier() throws -> (min: Int, max: Int?) {
        let start = position
        position += 1
        let low = try parseCount() ?? 0
        var high: Int? = low
        if peek == "," {
            position += 1
            high = try parseCount()
        }
        position += 1 // "}"
        if let high, high < low {
            throw GrammarError.invalidRegex(pattern: pattern, offset: start,
                                            reason: "repetition {\(low),\(high)} has its bounds in the wrong order")
        }
        return (low, high)
    }

    private mutating func parseCount() throws -> Int? {
        let start = position
        var value = 0
        while let digit = peek?.decimalDigitValue {
            value = value * 10 + digit
            if value > Self.maxRepetition {
                throw GrammarError.invalidRegex(pattern: pattern, offset: start,
                                                reason: "repetition count above \(Self.maxRepetition)")
            }
            position += 1
        }
        return position > start ? value : nil
    }

    // MARK: Atoms

    private mutating func parseAtom() throws -> RegexNode {
        let start = position
        let scalar = scalars[position]
        position += 1
        switch scalar {
        case "(": return try parseGroup(openedAt: start)
        case "[": return .scalars(try parseClass(openedAt: start))
        case ".": return .scalars(ScalarSet.all.subtracting(ScalarSet("\n")))
        case "\\": return try parseEscape(inClass: false).node
        case "*", "+", "?": throw invalid("nothing to repeat", at: start)
        case "^": throw unsupported("^ anchor inside the pattern", at: start)
        case "$": throw unsupported("$ anchor inside the pattern", at: start)
        default: return .scalars(ScalarSet(scalar))
        }
    }

    private mutating func parseGroup(openedAt start: Int) throws -> RegexNode {
        if peek == "?" {
            switch (peek(at: 1), peek(at: 2)) {
            case (":", _):
                position += 2
            case ("<", "="), ("<", "!"), ("=", _), ("!", _):
                throw unsupported("look-around group", at: start)
            case ("<", _), ("P", "<"):
                position += peek(at: 1) == "P" ? 3 : 2
                try skipGroupName(openedAt: start)
            default:
                throw unsupported("group flags (?…)", at: start)
            }
        }
        let node = try parseChoice()
        guard peek == ")" else { throw invalid("unclosed group", at: start) }
        position += 1
        return node
    }

    private mutating func skipGroupName(openedAt start: Int) throws {
        while let scalar = peek, scalar != ">" {
            guard scalar.properties.isAlphabetic || scalar == "_" || ("0" ... "9").contains(scalar) else {
                throw invalid("invalid group name", at: start)
            }
            position += 1
        }
        guard peek == ">" else { throw invalid("unclosed group name", at: start) }
        position += 1
    }

    private mutating func parseClass(openedAt start: Int) throws -> ScalarSet {
        var negated = false
        if peek == "^" {
            negated = true
            position += 1
        }
        var set = ScalarSet()
        var first = true
        while true {
            guard let scalar = peek else { throw invalid("unclosed character class", at: start) }
            if scalar == "]" && !first { position += 1; break }
            first = false
            if scalar == "[" && peek(at: 1) == ":" {
                throw unsupported("POSIX class [:…:]", at: position)
            }
            let itemStart = position
            let low = try parseClassItem()
            guard case .scalar(let lowScalar) = low, peek == "-", let after = peek(at: 1), after != "]" else {
                set = set.union(low.set)
                continue
            }
            position += 1
            guard case .scalar(let highScalar) = try parseClassItem() else {
                throw invalid("a class escape cannot end a range", at: itemStart)
            }
            guard lowScalar.value <= highScalar.value else {
                throw invalid("range \(lowScalar)-\(highScalar) is out of order", at: itemStart)
            }
            set = set.union(ScalarSet([lowScalar.value ... highScalar.value]))
        }
        if negated { set = set.inverted() }
        guard !set.isEmpty else { throw invalid("character class matches no character", at: start) }
        return set
    }

    private enum ClassItem {
        case scalar(Unicode.Scalar)
        case set(ScalarSet)

        var set: ScalarSet {
            switch self {
            case .scalar(let scalar): return ScalarSet(scalar)
            case .set(let set): return set
            }
        }
    }

    private mutating func parseClassItem() throws -> ClassItem {
        let scalar = scalars[position]
        position += 1
        guard scalar == "\\" else { return .scalar(scalar) }
        return try parseEscape(inClass: true).item
    }

    // MARK: Escapes

    private static let digits = ScalarSet("0" ... "9")
    private static let word = ScalarSet("0" ... "9", "A" ... "Z", "a" ... "z", "_" ... "_")
    private static let space = ScalarSet([0x09 ... 0x0D, 0x20 ... 0x20])

    private mutating func parseEscape(inClass: Bool) throws -> (node: RegexNode, item: ClassItem) {
        let start = position - 1
        guard let scalar = peek else { throw invalid("pattern ends with a lone backslash", at: start) }
        position += 1
        func single(_ value: UInt32) -> (RegexNode, ClassItem) {
            let scalar = Unicode.Scalar(value)!
            return (.scalars(ScalarSet(scalar)), .scalar(scalar))
        }
        func set(_ set: ScalarSet) -> (RegexNode, ClassItem) { (.scalars(set), .set(set)) }
        switch scalar {
        case "d": return set(Self.digits)
        case "D": return set(Self.digits.inverted())
        case "w": return set(Self.word)
        case "W": return set(Self.word.inverted())
        case "s": return set(Self.space)
        case "S": return set(Self.space.inverted())
        case "n": return single(0x0A)
        case "r": return single(0x0D)
        case "t": return single(0x09)
        case "f": return single(0x0C)
        case "v": return single(0x0B)
        case "b" where inClass: return single(0x08)
        case "0":
            if let next = peek, ("0" ... "9").contains(next) {
                throw unsupported("octal escape", at: start)
            }
            return single(0)
        case "x": return single(try parseHex(count: 2, escapeAt: start))
        case "u":
            if peek == "{" {
                position += 1
                let value = try parseHex(count: nil, escapeAt: start)
                guard peek == "}" else { throw invalid("unclosed \\u{…}", at: start) }
                position += 1
                return single(value)
            }
            return single(try parseHex(count: 4, escapeAt: start))
        case "b", "B": throw unsupported("word boundary \\\(scalar)", at: start)
        case "A", "z", "Z", "G": throw unsupported("anchor \\\(scalar)", at: start)
        case "1" ... "9", "k": throw unsupported("back-reference", at: start)
        case "p", "P": throw unsupported("Unicode property \\\(scalar){…}", at: start)
        default:
            if scalar.properties.isAlphabetic || ("0" ... "9").contains(scalar) {
                throw invalid("unknown escape \\\(scalar)", at: start)
            }
            return (.scalars(ScalarSet(scalar)), .scalar(scalar))
        }
    }

    /// Reads `count` hex digits (`nil`: one to six) and returns the scalar value they spell.
    private mutating func parseHex(count: Int?, escapeAt start: Int) throws -> UInt32 {
        var value: UInt32 = 0
        var read = 0
        while read < (count ?? 6), let digit = peek?.hexDigitValue {
            value = value * 16 + digit
            read += 1
            position += 1
        }
        guard read > 0, count == nil || read == count else {
            throw invalid("escape needs \(count.map(String.init) ?? "one to six") hex digits", at: start)
        }
        guard Unicode.Scalar(value) != nil else {
            throw invalid("escape names U+\(String(value, radix: 16, uppercase: true)), which is not a Unicode scalar", at: start)
        }
        return value
    }

    // MARK: Errors

    private func invalid(_ reason: String, at offset: Int? = nil) -> GrammarError {
        .invalidRegex(pattern: pattern, offset: offset ?? position, reason: reason)
    }

    private func unsupported(_ construct: String, at offset: Int) -> GrammarError {
        .unsupportedRegex(pattern: pattern, offset: offset, construct: construct)
    }
}

private extension Unicode.Scalar {
    /// The value of an ASCII decimal digit, else `nil`.
    var decimalDigitValue: Int? {
        ("0" ... "9").contains(self) ? Int(value - 0x30) : nil
    }

    /// The value of an ASCII hex digit, else `nil`.
    var hexDigitValue: UInt32? {
        switch self {
        case "0" ... "9": return value - 0x30
        case "a" ... "f": return value - 0x61 + 10
        case "A" ... "F": return value - 0x41 + 10
        default: return nil
        }
    }
}
