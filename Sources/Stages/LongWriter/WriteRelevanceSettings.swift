import Pipeline

/// The `write` stage's use of the sentence encoder (`params:` keys `relevance`,
/// `min_section_relevance`, `best_of`): score every section, and rewrite a section scoring below
/// the threshold by best-of-N.
public struct WriteRelevanceSettings: Sendable, Equatable, Encodable {
    /// Whether sections are scored.
    public enum Mode: String, Sendable, Encodable, CaseIterable {
        /// When the encoder is available; otherwise the stage writes without scores and logs a
        /// warning once (the config hash then names no encoder, so a later build with it recomputes).
        case auto
        /// Always; a build without the encoder fails with an error naming the stage.
        case on
        /// Never.
        case off
    }

    public static let keys = ["relevance", "min_section_relevance", "best_of"]

    /// Off unless the pipeline asks (`pipelines/longwriter.yaml` sets `auto`): pipelines written
    /// before relevance existed keep their model calls and outputs.
    public var mode: Mode = .off
    /// A section whose score (`SectionRelevance.score`) is below this is rewritten.
    public var minSection = 0.35
    /// Candidates of a drifting section, its first draft among them (the others decode together);
    /// 1 scores sections without rewriting any.
    public var bestOf = 3

    public init() {}

    public init(_ p: ConfigObject) throws {
        switch p.object["relevance"] {
        case nil, .null?: break
        case .bool(let on)?: mode = on ? .on : .off
        case .string(let name)?:
            guard let parsed = Mode(rawValue: name) else {
                throw p.document.error(p.sub("relevance"), "expected auto, on or off, found '\(name)'")
            }
            mode = parsed
        case let other?: throw p.document.error(p.sub("relevance"), "expected auto, on or off, found \(other.typeName)")
        }
        minSection = try p.double("min_section_relevance", range: -1...1) ?? minSection
        bestOf = try p.int("best_of", range: 1...16) ?? bestOf
    }

    /// Whether the stage embeds text with these settings.
    public var scores: Bool { mode != .off }

    private enum CodingKeys: String, CodingKey { case mode, minSection, bestOf }

    /// Off, only the mode shapes the output (the threshold and N are unused).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        guard scores else { return }
        try container.encode(minSection, forKey: .minSection)
        try container.encode(bestOf, forKey: .bestOf)
    }
}
