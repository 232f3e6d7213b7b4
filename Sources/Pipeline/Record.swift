import Store

/// One JSON object flowing between stages; `id` is a stable hash of the inputs that made it.
public struct Record: Sendable, Equatable {
    public var fields: [String: JSONValue]

    public init(id: String, fields: [String: JSONValue]) {
        self.fields = fields
        self.fields["id"] = .string(id)
    }

    /// Parses a shard line; the object must carry a string `id`.
    public init(line: [UInt8]) throws {
        guard case .object(let object) = try JSONValue.parse(line), object["id"]?.string != nil else {
            throw PipelineError.malformedRecord(String(decoding: line.prefix(200), as: UTF8.self))
        }
        fields = object
    }

    public var id: String { fields["id"]?.string ?? "" }

    public subscript(key: String) -> JSONValue? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// The record as one JSONL line (no newline), keys sorted.
    public func line() -> [UInt8] { JSONValue.object(fields).serialized() }
}

/// A record a stage dropped, with the reason; written to the stage's reject shards.
public struct Rejection: Sendable, Equatable {
    public var reason: String
    public var detail: String
    public var extra: [String: JSONValue]

    public init(reason: String, detail: String, extra: [String: JSONValue] = [:]) {
        self.reason = reason
        self.detail = detail
        self.extra = extra
    }
}
