/// What shape a generated response must have.
///
/// Encoded as `{"type":"text"}`, `{"type":"regex","pattern":…}` or
/// `{"type":"json_schema","schema":…}` (the schema as JSON text).
public enum ResponseFormat: Sendable, Equatable, Hashable, Codable {
    /// Free text.
    case text
    /// Text matching the whole regular expression (see `RegexParser` for the supported syntax).
    case regex(String)
    /// JSON text valid against the schema, given as JSON text (see `JSONSchemaCompiler` for the
    /// supported subset).
    case jsonSchema(String)

    private enum CodingKeys: String, CodingKey {
        case type, pattern, schema
    }

    public init(from decoder: Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text": self = .text
        case "regex": self = .regex(try container.decode(String.self, forKey: .pattern))
        case "json_schema": self = .jsonSchema(try container.decode(String.self, forKey: .schema))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "unknown response format type \"\(type)\"")
        }
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text:
            try container.encode("text", forKey: .type)
        case .regex(let pattern):
            try container.encode("regex", forKey: .type)
            try container.encode(pattern, forKey: .pattern)
        case .jsonSchema(let schema):
            try container.encode("json_schema", forKey: .type)
            try container.encode(schema, forKey: .schema)
        }
    }

    /// The language of the outputs the format allows, over Unicode scalars.
    func language() throws -> RegexNode {
        switch self {
        case .text: return .repeated(.scalars(.all), min: 0, max: nil)
        case .regex(let pattern): return try RegexParser.parse(pattern)
        case .jsonSchema(let schema): return try JSONSchemaCompiler.compile(schemaText: schema)
        }
    }
}
