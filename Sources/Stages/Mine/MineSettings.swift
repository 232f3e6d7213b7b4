import Pipeline

/// Parameters of the `mine` stage (`params:` in the pipeline file).
public struct MineSettings: StageSettings, Equatable {
    /// Queries shorter than this many characters (after normalisation) are rejected.
    public var minChars = 2
    /// Queries longer than this many characters are rejected.
    public var maxChars = 20_000
    /// Keep only these languages (`zh`, `ja`, `ko`, `latin`, `other`); empty keeps all.
    public var languages: [String] = []
    /// Stop after this many kept queries per build (0: no limit); used for small samples.
    public var limit = 0

    public static let keys = ["min_chars", "max_chars", "languages", "limit"]
    static let knownLanguages = ["zh", "ja", "ko", "latin", "other"]

    public init() {}

    public init(_ params: ConfigObject, pipeline: PipelineConfig) throws { try self.init(params) }

    public init(_ params: ConfigObject) throws {
        let p = try params.restricted(to: Self.keys)
        minChars = try p.int("min_chars", range: 0...1_000_000) ?? minChars
        maxChars = try p.int("max_chars", range: 1...100_000_000) ?? maxChars
        limit = try p.int("limit", range: 0...Int.max) ?? limit
        for (i, value) in (try p.array("languages") ?? []).enumerated() {
            guard let code = value.string, Self.knownLanguages.contains(code) else {
                throw p.document.error(p.sub("languages") + "[\(i)]",
                                       "expected one of \(Self.knownLanguages.joined(separator: ", ")), found \(value.jsonString)")
            }
            languages.append(code)
        }
    }
}
