import Pipeline

/// Parameters of the `dedup-filter` stage (`params:` in the pipeline file).
public struct DedupFilterSettings: StageSettings, Equatable {
    /// The text fields compared by near-duplicate detection.
    public enum Field: String, Sendable, CaseIterable, Encodable {
        case instruction, response
    }

    /// Record field holding the instruction (the user's ask).
    public var instructionField = "query"
    /// Record field holding the response.
    public var responseField = "response"
    /// Dotted path of the required length in words; records without it skip the S_l rule.
    public var requiredLengthField = "length.required_words"
    public var quality = QualitySettings()
    /// Drop records whose normalised instruction, or response, equals an earlier one.
    public var exactDedup = true
    /// Fields compared by MinHash-LSH; empty switches near-duplicate detection off.
    public var nearDedupFields: [Field] = [.instruction, .response]
    public var minHash = MinHashSettings()
    /// Words per shingle for instructions, which are short (responses use `minHash.shingleSize`).
    public var instructionShingleSize = 3
    /// Lowest mean section relevance the `write` stage recorded (`RelevanceRule`); nil: not checked.
    public var minRelevance: Double?
    /// Memory for near-duplicate sketches before they spill to a temporary file, in MiB.
    public var memoryMB = 256
    /// Semantic dedup by sentence embeddings (nil: off).
    public var semanticDedup: SemanticDedupSettings?

    public static let keys = ["instruction_field", "response_field", "required_length_field", "exact_dedup", "near_dedup", "memory_mb",
                              "semantic_dedup", "min_relevance"]
        + QualitySettings.keys
    public static let nearDedupKeys = ["fields", "permutations", "bands", "shingle_size", "instruction_shingle_size",
                                       "cjk_shingle_size", "threshold", "seed"]

    /// Everything but `memoryMB` shapes the output (memory only decides when sketches spill to disk).
    private enum CodingKeys: String, CodingKey {
        case instructionField, responseField, requiredLengthField, quality, exactDedup, nearDedupFields, minHash, instructionShingleSize
        case semanticDedup, minRelevance
    }

    /// Semantic dedup embeds texts with the sentence encoder, and the content checks find task talk
    /// with the encoder's classifier whenever the encoder is there.
    public var usesEncoder: Bool { true }

    public init() {}

    public init(_ params: ConfigObject, pipeline: PipelineConfig) throws { try self.init(params) }

    public init(_ params: ConfigObject) throws {
        let p = try params.restricted(to: Self.keys)
        instructionField = try p.string("instruction_field") ?? instructionField
        responseField = try p.string("response_field") ?? responseField
        requiredLengthField = try p.string("required_length_field") ?? requiredLengthField
        quality = try QualitySettings(p)
        exactDedup = try p.bool("exact_dedup") ?? exactDedup
        memoryMB = try p.int("memory_mb", range: 16...1_048_576) ?? memoryMB
        semanticDedup = try SemanticDedupSettings.read(p)
        minRelevance = try p.double("min_relevance", range: -1...1)
        guard let near = try p.child("near_dedup", allowed: Self.nearDedupKeys) else { return }
        if let fields = try near.array("fields") {
            nearDedupFields = try fields.enumerated().map { i, value in
                guard let name = value.string, let field = Field(rawValue: name) else {
                    throw p.document.error(near.sub("fields") + "[\(i)]", "expected instruction or response, found \(value.jsonString)")
                }
                return field
            }
        }
        minHash.permutations = try near.int("permutations", range: 1...1024) ?? minHash.permutations
        minHash.bands = try near.int("bands", range: 1...1024) ?? minHash.bands
        guard minHash.permutations % minHash.bands == 0 else {
            throw p.document.error(near.sub("bands"), "bands (\(minHash.bands)) must divide permutations (\(minHash.permutations))")
        }
        minHash.shingleSize = try near.int("shingle_size", range: 1...64) ?? minHash.shingleSize
        minHash.cjkShingleSize = try near.int("cjk_shingle_size", range: 1...64) ?? minHash.cjkShingleSize
        minHash.threshold = try near.double("threshold", range: 0...1) ?? minHash.threshold
        minHash.seed = UInt64(try near.int("seed", range: 0...Int.max) ?? Int(minHash.seed))
        instructionShingleSize = try near.int("instruction_shingle_size", range: 1...64) ?? instructionShingleSize
    }

    /// MinHash settings for one field.
    public func minHash(for field: Field) -> MinHashSettings {
        guard field == .instruction else { return minHash }
        var settings = minHash
        settings.shingleSize = instructionShingleSize
        settings.cjkShingleSize = instructionShingleSize
        return settings
    }

}
