import Foundation

/// Why a response format could not be turned into a token grammar, or a grammar outgrew its limits.
public enum GrammarError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The regular expression `pattern` is malformed at character `offset`.
    case invalidRegex(pattern: String, offset: Int, reason: String)
    /// The regular expression uses a construct this engine does not implement (back-references,
    /// look-around, word boundaries, Unicode properties, flags, …).
    case unsupportedRegex(pattern: String, offset: Int, construct: String)
    /// The schema text is not valid JSON.
    case invalidSchemaJSON(offset: Int, reason: String)
    /// The schema is JSON but not a valid schema at `path` (a JSON Pointer, `#` being the root).
    case invalidSchema(path: String, reason: String)
    /// The schema uses `keyword` at `path`, which the schema compiler does not support.
    case unsupportedKeyword(keyword: String, path: String, reason: String?)
    /// The automaton built from the format would exceed `limit` states of kind `kind`
    /// (`"NFA"` when compiling, `"DFA"` while decoding).
    case tooManyStates(kind: String, limit: Int)

    public var description: String {
        switch self {
        case .invalidRegex(let pattern, let offset, let reason):
            return "invalid regular expression at character \(offset) of /\(pattern)/: \(reason)"
        case .unsupportedRegex(let pattern, let offset, let construct):
            return "unsupported regular expression construct \(construct) at character \(offset) of /\(pattern)/"
        case .invalidSchemaJSON(let offset, let reason):
            return "the JSON schema is not valid JSON at byte \(offset): \(reason)"
        case .invalidSchema(let path, let reason):
            return "invalid JSON schema at \(path): \(reason)"
        case .unsupportedKeyword(let keyword, let path, let reason):
            return "unsupported JSON schema keyword \"\(keyword)\" at \(path)" + (reason.map { ": \($0)" } ?? "")
        case .tooManyStates(let kind, let limit):
            return "the grammar needs more than \(limit) \(kind) states; simplify the format (shorter maxLength, fewer maxItems) or raise GrammarLimits"
        }
    }

    public var errorDescription: String? { description }
}

/// Size limits that keep a grammar's automata within memory.
public struct GrammarLimits: Sendable, Equatable, Hashable {
    /// Most NFA states a format may compile to (a counted repetition `x{0,n}` copies `x` n times).
    public var maxNFAStates: Int
    /// Most DFA states created lazily while decoding (each costs about 0.5 KB plus its token mask
    /// when that mask is new).
    public var maxDFAStates: Int

    /// - Parameters:
    ///   - maxNFAStates: default 2,000,000 (about 30 MB).
    ///   - maxDFAStates: default 400,000 (about 200 MB at the worst; decoding one plan touches a few thousand).
    public init(maxNFAStates: Int = 2_000_000, maxDFAStates: Int = 400_000) {
        self.maxNFAStates = maxNFAStates
        self.maxDFAStates = maxDFAStates
    }
}
