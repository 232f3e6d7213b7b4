import Pipeline

/// Parameters of the `read-texts` stage.
public struct ReadTextsSettings: StageSettings, Equatable {
    public var chunker = DocumentChunker()
    /// Read at most this many texts (0: all).
    public var limit = 0
    /// Glob patterns (`fnmatch`) matched against each input's `path` as written: matching inputs
    /// are long texts, the others user queries read as `mine` reads them. Empty: every input is a text.
    public var texts: [String] = []
    /// Parameters of the `mine` part (inputs that are not long texts).
    public var mine = MineSettings()

    public static let keys = ["min_words", "max_words", "drop_references", "limit", "texts", "mine"]

    public init() {}

    public init(_ params: ConfigObject, pipeline: PipelineConfig) throws { try self.init(params) }

    public init(_ params: ConfigObject) throws {
        let p = try params.restricted(to: Self.keys)
        let minWords = try p.int("min_words", range: 1...10_000_000) ?? chunker.minWords
        let maxWords = try p.int("max_words", range: 1...10_000_000) ?? max(chunker.maxWords, minWords)
        guard maxWords >= minWords else { throw p.document.error(p.sub("max_words"), "max_words (\(maxWords)) is below min_words (\(minWords))") }
        chunker = DocumentChunker(minWords: minWords, maxWords: maxWords, dropReferences: try p.bool("drop_references") ?? true)
        limit = try p.int("limit", range: 0...Int.max) ?? 0
        for (i, value) in (try p.array("texts") ?? []).enumerated() {
            guard let pattern = value.string else { throw p.document.error(p.sub("texts") + "[\(i)]", "expected a glob pattern, found \(value.typeName)") }
            texts.append(pattern)
        }
        if let mine = p.object["mine"] {
            guard !texts.isEmpty else { throw p.document.error(p.sub("mine"), "mine applies to the inputs not matched by texts; give texts too") }
            self.mine = try MineSettings(ConfigObject(p.document, path: p.sub("mine"), value: mine, allowed: MineSettings.keys))
        }
    }
}
