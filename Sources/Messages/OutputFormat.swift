/// The structure a generation must follow.
public enum OutputFormat: Sendable, Equatable, Hashable, Codable {
    /// Free text.
    case text
    /// The whole output matches this regular expression.
    case regex(String)
    /// The output is JSON valid against this schema (given as JSON text), named for servers that want a name.
    case jsonSchema(name: String, schema: String)
}
