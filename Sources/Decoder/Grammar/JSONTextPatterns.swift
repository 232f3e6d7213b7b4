/// The lexical pieces of JSON text as regular languages, and the whitespace policy of generated JSON.
///
/// Whitespace: none anywhere except one optional space after each `:` and `,`. Small models have
/// seen both `{"a":1,"b":2}` and `{"a": 1, "b": 2}` and tokenize the spaced form into tokens such as
/// `":` and ` "`; letting them choose keeps them on their usual path, while ruling out newlines and
/// runs of spaces keeps them from drifting into layout instead of content.
enum JSONTextPatterns {
    /// What may follow a `:` or `,`.
    static let separatorSpace = RegexNode.optional(.literal(" "))

    /// `text` as a JSON string: the quotes and canonical escapes of `JSONValue.quoted`.
    static func quotedLiteral(_ text: String) -> RegexNode { .literal(JSONValue.quoted(text)) }

    /// Scalars allowed unescaped inside a JSON string: all but `"`, `\` and U+0000–U+001F.
    static let unescapedScalars = ScalarSet.all.subtracting(ScalarSet([0x00 ... 0x1F, 0x22 ... 0x22, 0x5C ... 0x5C]))

    private static let hexDigit = RegexNode.scalars(ScalarSet([0x30 ... 0x39, 0x41 ... 0x46, 0x61 ... 0x66]))

    /// `\uXXXX` naming a scalar (not a surrogate: a lone one is not valid text, and pairs are not needed
    /// since any scalar can be written as itself).
    private static let unicodeEscape = RegexNode.sequence([
        .literal("\\u"),
        .choice([
            .sequence([.scalars(ScalarSet([0x30 ... 0x39, 0x41 ... 0x43, 0x45 ... 0x46, 0x61 ... 0x63, 0x65 ... 0x66])),
                       .repeated(hexDigit, min: 3, max: 3)]),
            .sequence([.scalars(ScalarSet(anyOf: "Dd")),
                       .scalars(ScalarSet([0x30 ... 0x37])), .repeated(hexDigit, min: 2, max: 2)]),
        ]),
    ])

    /// One character of a JSON string's content: an unescaped scalar or any JSON escape.
    static let stringCharacter = RegexNode.choice([
        .scalars(unescapedScalars),
        .sequence([.literal("\\"), .scalars(ScalarSet(anyOf: #""\/bfnrt"#))]),
        unicodeEscape,
    ])

    /// The JSON spelling of one scalar out of `set`: members allowed unescaped as themselves, the
    /// others (`"`, `\`, control characters) by their canonical escape.
    static func encodedCharacter(_ set: ScalarSet) -> RegexNode {
        var choices: [RegexNode] = []
        let plain = set.intersection(unescapedScalars)
        if !plain.isEmpty { choices.append(.scalars(plain)) }
        for value in Array(0x00 ... 0x1F) + [0x22, 0x5C] where set.contains(UInt32(value)) {
            let escaped = JSONValue.quoted(String(Unicode.Scalar(UInt8(value))))
            choices.append(.literal(String(escaped.dropFirst().dropLast())))
        }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    /// A JSON string of `minLength` to `maxLength` characters (escapes count as one character).
    static func string(minLength: Int, maxLength: Int?) -> RegexNode {
        .sequence([.literal("\""), .repeated(stringCharacter, min: minLength, max: maxLength), .literal("\"")])
    }

    /// A JSON string whose decoded content matches `content` (a language over scalars).
    static func string(matching content: RegexNode) -> RegexNode {
        .sequence([.literal("\""), content.mapScalars(encodedCharacter), .literal("\"")])
    }

    /// A JSON number that is a finite double: `-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?([eE][+-]?[0-9]{1,2})?`
    /// (JSON itself has no limits, but parsers such as Foundation's reject `1e999`).
    static let number: RegexNode = {
        let digit = RegexNode.range("0", "9")
        return .sequence([
            .optional(.literal("-")),
            .choice([.literal("0"), .sequence([.range("1", "9"), .repeated(digit, min: 0, max: 14)])]),
            .optional(.sequence([.literal("."), .repeated(digit, min: 1, max: nil)])),
            .optional(.sequence([.scalars(ScalarSet(anyOf: "eE")),
                                 .optional(.scalars(ScalarSet(anyOf: "+-"))),
                                 .repeated(digit, min: 1, max: 2)])),
        ])
    }()

    /// `true` or `false`.
    static let boolean = RegexNode.choice([.literal("true"), .literal("false")])

    /// A JSON value written compactly (no whitespace), members in their order: how `enum` and
    /// `const` values are generated.
    static func compactText(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return JSONValue.quoted(text)
        case .array(let elements): return "[" + elements.map(compactText).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { JSONValue.quoted($0.key) + ":" + compactText($0.value) }.joined(separator: ",") + "}"
        }
    }
}
