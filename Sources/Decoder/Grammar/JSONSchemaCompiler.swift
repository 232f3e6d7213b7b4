import Foundation

/// Compiles a JSON Schema subset into the regular language of the JSON texts it allows, written
/// with `JSONTextPatterns`' whitespace (one optional space after `:` and `,`, none elsewhere).
///
/// Supported, by `type`:
/// - `object`: `properties`, `required`: exactly the required properties are generated, in the
///   order of `properties`; the others are never generated. `additionalProperties` may only be
///   `false`, which is implied.
/// - `array`: `items` (one schema), `minItems`, `maxItems`.
/// - `string`: `minLength`, `maxLength` (in characters, an escape counting as one), or `pattern`
///   (matched against the whole decoded string, as if anchored).
/// - `integer`: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (exact); without
///   bounds, the 64-bit range.
/// - `number` (no bounds; at most 15 digits before the point and 2 in the exponent, so every
///   generated number is a finite double), `boolean`, `null`; a list of types means any of them.
/// - Anywhere: `enum` and `const` (values generated compactly; sibling keywords filter them),
///   `anyOf`; annotations (`title`, `description`, `$schema`, …) are ignored.
///
/// Without `type`, a schema using object, array or string keywords has that type.
/// Everything else throws `GrammarError.unsupportedKeyword` naming the keyword and its JSON Pointer.
struct JSONSchemaCompiler {
    private static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated",
        "readOnly", "writeOnly",
    ]
    private static let keywordsByType: [String: Set<String>] = [
        "object": ["properties", "required", "additionalProperties"],
        "array": ["items", "minItems", "maxItems"],
        "string": ["minLength", "maxLength", "pattern"],
        "integer": ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
        "number": [], "boolean": [], "null": [],
    ]
    private static let hints: [String: String] = [
        "$ref": "references are not supported; write the schema inline",
        "$defs": "references are not supported; write the schema inline",
        "definitions": "references are not supported; write the schema inline",
        "format": "string formats are not enforced; use pattern",
        "oneOf": "use anyOf",
        "patternProperties": "only the properties listed in properties are generated",
        "minimum": "bounds are supported on integers only",
        "maximum": "bounds are supported on integers only",
        "exclusiveMinimum": "bounds are supported on integers only",
        "exclusiveMaximum": "bounds are supported on integers only",
    ]

    /// The language of the JSON texts `schemaText` allows.
    static func compile(schemaText: String) throws -> RegexNode {
        try JSONSchemaCompiler().node(for: JSONValue(parsing: schemaText), at: "#")
    }

    private func node(for schema: JSONValue, at path: String) throws -> RegexNode {
        guard case .object(let members) = schema else {
            if case .bool(true) = schema {
                throw GrammarError.unsupportedKeyword(keyword: "true", path: path,
                                                      reason: "a schema allowing any value; give a type")
            }
            throw GrammarError.invalidSchema(path: path, reason: "a schema must be an object")
        }
        let keywords = members.map(\.key).filter { !Self.annotations.contains($0) }
        if keywords.contains("enum") || keywords.contains("const") {
            return try literals(of: members, at: path)
        }
        if keywords.contains("anyOf") {
            return try anyOf(schema, keywords: keywords, at: path)
        }
        let types = try typeNames(of: schema, keywords: keywords, at: path)
        let allowed = types.reduce(into: Set(["type"])) { $0.formUnion(Self.keywordsByType[$1] ?? []) }
        if let keyword = keywords.first(where: { !allowed.contains($0) }) {
            let applies = Self.keywordsByType.first { $0.value.contains(keyword) }?.key
            let reason = applies.map { "\(keyword) applies to type \($0), not \(types.joined(separator: "/"))" }
            throw GrammarError.unsupportedKeyword(keyword: keyword, path: path + "/" + Self.escaped(keyword),
                                                  reason: Self.hints[keyword] ?? reason)
        }
        let choices = try types.map { try node(ofType: $0, schema: schema, at: path) }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    private func typeNames(of schema: JSONValue, keywords: [String], at path: String) throws -> [String] {
        switch schema["type"] {
        case .string(let name)?:
            guard Self.keywordsByType[name] != nil else {
                throw GrammarError.invalidSchema(path: path + "/type", reason: "unknown type \"\(name)\"")
            }
            return [name]
        case .array(let names)?:
            var result: [String] = []
            for (index, name) in names.enumerated() {
                guard case .string(let text) = name, Self.keywordsByType[text] != nil else {
                    throw GrammarError.invalidSchema(path: path + "/type/\(index)", reason: "not a type name")
                }
                if !result.contains(text) { result.append(text) }
            }
            guard !result.isEmpty else { throw GrammarError.invalidSchema(path: path + "/type", reason: "empty list of types") }
            return result
        case nil:
            for type in ["object", "array", "string"] where keywords.contains(where: { Self.keywordsByType[type]!.contains($0) }) {
                return [type]
            }
            if let keyword = keywords.first {
                throw GrammarError.unsupportedKeyword(keyword: keyword, path: path + "/" + Self.escaped(keyword),
                                                      reason: Self.hints[keyword])
            }
            throw GrammarError.invalidSchema(path: path, reason: "no type (give type, enum, const or anyOf)")
        case let other?:
            throw GrammarError.invalidSchema(path: path + "/type", reason: "\(other.typeName) is not a type name or list")
        }
    }

    private func node(ofType type: String, schema: JSONValue, at path: String) throws -> RegexNode {
        switch type {
        case "object": return try object(schema, at: path)
        case "array": return try array(schema, at: path)
        case "string": return try string(schema, at: path)
        case "integer": return try integer(schema, at: path)
        case "number": return JSONTextPatterns.number
        case "boolean": return JSONTextPatterns.boolean
        default: return .literal("null")
        }
    }

    // MARK: Structures

    private func object(_ schema: JSONValue, at path: String) throws -> RegexNode {
        var properties: [JSONMember] = []
        switch schema["properties"] {
        case .object(let members)?: properties = members
        case nil: break
        case .some: throw GrammarError.invalidSchema(path: path + "/properties", reason: "must be an object")
        }
        var required: [String] = []
        switch schema["required"] {
        case .array(let names)?:
            for (index, name) in names.enumerated() {
                guard case .string(let key) = name else {
                    throw GrammarError.invalidSchema(path: path + "/required/\(index)", reason: "must be a string")
                }
                guard properties.contains(where: { $0.key == key }) else {
                    throw GrammarError.invalidSchema(path: path + "/required/\(index)",
                                                     reason: "\"\(key)\" has no schema in properties")
                }
                required.append(key)
            }
        case nil: break
        case .some: throw GrammarError.invalidSchema(path: path + "/required", reason: "must be an array of strings")
        }
        switch schema["additionalProperties"] {
        case nil, .bool(false)?: break
        case .some:
            throw GrammarError.unsupportedKeyword(keyword: "additionalProperties", path: path + "/additionalProperties",
                                                  reason: "only false is supported (no other properties are generated)")
        }
        var parts: [RegexNode] = [.literal("{")]
        for member in properties where required.contains(member.key) {
            if parts.count > 1 { parts += [.literal(","), JSONTextPatterns.separatorSpace] }
            parts += [JSONTextPatterns.quotedLiteral(member.key), .literal(":"), JSONTextPatterns.separatorSpace,
                      try node(for: member.value, at: path + "/properties/" + Self.escaped(member.key))]
        }
        parts.append(.literal("}"))
        return .sequence(parts)
    }

    private func array(_ schema: JSONValue, at path: String) throws -> RegexNode {
        guard let items = schema["items"] else {
            throw GrammarError.invalidSchema(path: path, reason: "an array needs items (arrays of any value are not supported)")
        }
        if case .array = items {
            throw GrammarError.unsupportedKeyword(keyword: "items", path: path + "/items", reason: "tuple form (a list of schemas)")
        }
        let minItems = try count("minItems", in: schema, at: path) ?? 0
        let maxItems = try count("maxItems", in: schema, at: path)
        if let maxItems, maxItems < minItems {
            throw GrammarError.invalidSchema(path: path + "/maxItems", reason: "below minItems (\(minItems))")
        }
        if maxItems == 0 { return .literal("[]") }
        let item = try node(for: items, at: path + "/items")
        let list = RegexNode.sequence([
            item,
            .repeated(.sequence([.literal(","), JSONTextPatterns.separatorSpace, item]),
                      min: max(minItems - 1, 0), max: maxItems.map { $0 - 1 }),
        ])
        return .sequence([.literal("["), minItems == 0 ? .optional(list) : list, .literal("]")])
    }

    private func anyOf(_ schema: JSONValue, keywords: [String], at path: String) throws -> RegexNode {
        if let other = keywords.first(where: { $0 != "anyOf" }) {
            throw GrammarError.unsupportedKeyword(keyword: other, path: path + "/" + Self.escaped(other),
                                                  reason: "only annotations may stand beside anyOf")
        }
        guard case .array(let schemas)? = schema["anyOf"], !schemas.isEmpty else {
            throw GrammarError.invalidSchema(path: path + "/anyOf", reason: "must be a non-empty array of schemas")
        }
        let choices = try schemas.enumerated().map { try node(for: $0.element, at: path + "/anyOf/\($0.offset)") }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    /// `enum` / `const` values, each checked against the schema's other keywords.
    private func literals(of members: [JSONMember], at path: String) throws -> RegexNode {
        let schema = JSONValue.object(members)
        var values: [JSONValue]
        switch (schema["enum"], schema["const"]) {
        case (.array(let list)?, nil):
            values = list
        case (nil, let value?):
            values = [value]
        case (.array(let list)?, let value?):
            values = list.contains(value) ? [value] : []
        default:
            throw GrammarError.invalidSchema(path: path + "/enum", reason: "must be an array")
        }
        let rest = members.filter { $0.key != "enum" && $0.key != "const" }
        if rest.contains(where: { !Self.annotations.contains($0.key) }) {
            let restNode = try node(for: .object(rest), at: path)
            var dfa = try LazyDFA(nfa: ByteNFA(restNode, maxStates: GrammarLimits().maxNFAStates),
                                  maxStates: GrammarLimits().maxDFAStates)
            values = try values.filter { value in
                let end = try dfa.run(JSONTextPatterns.compactText(value).utf8, from: dfa.start)
                return end != LazyDFA.dead && dfa.isAccepting(end)
            }
        }
        guard !values.isEmpty else {
            throw GrammarError.invalidSchema(path: path, reason: "no enum/const value satisfies the schema")
        }
        var texts: [String] = []
        for value in values {
            let text = JSONTextPatterns.compactText(value)
            if !texts.contains(text) { texts.append(text) }
        }
        return texts.count == 1 ? .literal(texts[0]) : .choice(texts.map(RegexNode.literal))
    }

    // MARK: Scalars

    private func string(_ schema: JSONValue, at path: String) throws -> RegexNode {
        let minLength = try count("minLength", in: schema, at: path)
        let maxLength = try count("maxLength", in: schema, at: path)
        if let maxLength, maxLength < minLength ?? 0 {
            throw GrammarError.invalidSchema(path: path + "/maxLength", reason: "below minLength (\(minLength ?? 0))")
        }
        guard let pattern = schema["pattern"] else {
            return JSONTextPatterns.string(minLength: minLength ?? 0, maxLength: maxLength)
        }
        guard case .string(let text) = pattern else {
            throw GrammarError.invalidSchema(path: path + "/pattern", reason: "must be a string")
        }
        if minLength != nil || maxLength != nil {
            throw GrammarError.unsupportedKeyword(keyword: minLength != nil ? "minLength" : "maxLength",
                                                  path: path + (minLength != nil ? "/minLength" : "/maxLength"),
                                                  reason: "not together with pattern; put the length into the pattern")
        }
        do {
            return JSONTextPatterns.string(matching: try RegexParser.parse(text))
        } catch let error as GrammarError {
            throw GrammarError.invalidSchema(path: path + "/pattern", reason: error.description)
        }
    }

    private func integer(_ schema: JSONValue, at path: String) throws -> RegexNode {
        var lower: Int64?, upper: Int64?
        // minimum x → ⌈x⌉, exclusiveMinimum x → ⌊x⌋ + 1, maximum x → ⌊x⌋, exclusiveMaximum x → ⌈x⌉ − 1.
        func tighten(_ keyword: String, rounding: FloatingPointRoundingRule, offset: Int64, isLower: Bool) throws {
            guard let value = schema[keyword] else { return }
            guard case .number(let text) = value else {
                throw GrammarError.unsupportedKeyword(keyword: keyword, path: path + "/" + keyword,
                                                      reason: "must be a number (the boolean form of draft 4 is not supported)")
            }
            let bound: Int64
            if let exact = Int64(text) {
                bound = exact
            } else if let real = Double(text), let rounded = Int64(exactly: real.rounded(rounding)) {
                bound = rounded
            } else {
                throw GrammarError.invalidSchema(path: path + "/" + keyword, reason: "\(text) is out of the 64-bit range")
            }
            let (moved, overflow) = bound.addingReportingOverflow(offset)
            guard !overflow else {
                throw GrammarError.invalidSchema(path: path + "/" + keyword, reason: "\(text) is out of the 64-bit range")
            }
            if isLower { lower = max(lower ?? moved, moved) } else { upper = min(upper ?? moved, moved) }
        }
        try tighten("minimum", rounding: .up, offset: 0, isLower: true)
        try tighten("exclusiveMinimum", rounding: .down, offset: 1, isLower: true)
        try tighten("maximum", rounding: .down, offset: 0, isLower: false)
        try tighten("exclusiveMaximum", rounding: .up, offset: -1, isLower: false)
        guard let node = IntegerRangePattern.node(minimum: lower ?? .min, maximum: upper ?? .max) else {
            throw GrammarError.invalidSchema(path: path, reason: "no integer lies between the bounds")
        }
        return node
    }

    /// A non-negative integer keyword (`minItems`, `maxLength`, …), or `nil` when absent.
    private func count(_ keyword: String, in schema: JSONValue, at path: String) throws -> Int? {
        guard let value = schema[keyword] else { return nil }
        guard case .number(let text) = value, let count = Int(text), count >= 0 else {
            throw GrammarError.invalidSchema(path: path + "/" + keyword, reason: "must be a non-negative integer")
        }
        return count
    }

    /// `key` as a JSON Pointer reference token (`~` → `~0`, `/` → `~1`).
    private static func escaped(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
