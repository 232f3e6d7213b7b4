import Pipeline

/// A rule a record failed: the rule's name (also the reject reason), the measured value, the
/// threshold it crossed and a sentence saying so.
public struct RuleVerdict: Sendable, Equatable {
    public var rule: String
    public var value: JSONValue
    public var threshold: JSONValue
    public var detail: String
    /// The start of the record's texts (`instruction`, `raw`), for people reading the rejects.
    public var excerpts: [String: JSONValue] = [:]
    /// What a person needs to see why the rule failed (e.g. the contradicting sentences).
    public var evidence: JSONValue?

    public init(rule: String, value: JSONValue, threshold: JSONValue, detail: String) {
        self.rule = rule
        self.value = value
        self.threshold = threshold
        self.detail = detail
    }

    /// The fields a reject record carries for it.
    var extra: [String: JSONValue] {
        var fields: [String: JSONValue] = ["rule": .string(rule), "value": value, "threshold": threshold]
        if let evidence { fields["evidence"] = evidence }
        return fields
    }
}
