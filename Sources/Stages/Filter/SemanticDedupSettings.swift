import Pipeline

/// Parameters of semantic dedup in `dedup-filter` (`params.semantic_dedup`): texts whose
/// sentence embeddings have a cosine similarity of at least `threshold` are duplicates.
public struct SemanticDedupSettings: Sendable, Equatable, Encodable {
    /// The text fields whose embeddings are compared (each field only with the same field).
    public var fields: [DedupFilterSettings.Field] = [.instruction]
    /// Cosine similarity from which two texts are duplicates.
    public var threshold = 0.85

    public static let keys = ["fields", "threshold"]

    public init(fields: [DedupFilterSettings.Field] = [.instruction], threshold: Double = 0.85) {
        self.fields = fields
        self.threshold = threshold
    }

    /// Reads `semantic_dedup` of `params`: absent or `false` is off (nil), `true` the defaults,
    /// a mapping sets `fields` and `threshold`.
    public static func read(_ params: ConfigObject) throws -> SemanticDedupSettings? {
        let key = "semantic_dedup"
        switch params.object[key] {
        case nil, .null?, .bool(false)?: return nil
        case .bool(true)?: return SemanticDedupSettings()
        default: break
        }
        guard let object = try params.child(key, allowed: keys) else { return nil }
        var settings = SemanticDedupSettings()
        if let fields = try object.array("fields") {
            settings.fields = try fields.enumerated().map { i, value in
                guard let name = value.string, let field = DedupFilterSettings.Field(rawValue: name) else {
                    throw params.document.error(object.sub("fields") + "[\(i)]", "expected instruction or response, found \(value.jsonString)")
                }
                return field
            }
            guard !settings.fields.isEmpty else {
                throw params.document.error(object.sub("fields"), "name at least one field, or set semantic_dedup: false")
            }
        }
        settings.threshold = try object.double("threshold", range: 0...1) ?? settings.threshold
        return settings
    }
}
