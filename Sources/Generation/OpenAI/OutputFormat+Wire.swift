import Messages

/// How an `OutputFormat` is sent to OpenAI-compatible servers.
extension OutputFormat {
    /// The `response_format` body sent to OpenAI-compatible servers.
    var wireBody: OpenAIWire.ResponseFormatBody? {
        switch self {
        case .text:
            return nil
        case .jsonSchema(let name, let schema):
            return .init(type: "json_schema", json_schema: .init(name: name, schema: RawJSON(text: schema), strict: true))
        case .regex:
            return nil
        }
    }

    /// A regex is sent as vLLM's `guided_regex` extension field.
    var guidedRegex: String? {
        if case .regex(let pattern) = self { return pattern }
        return nil
    }
}
