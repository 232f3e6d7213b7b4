/// The output-length categories of LongWriter's length prediction, in words.
public enum LengthBucket: Int, Sendable, Codable, CaseIterable, Comparable {
    case under2000 = 0
    case words2000 = 2000
    case words4000 = 4000
    case words8000 = 8000
    case words16000 = 16000

    public static func < (a: LengthBucket, b: LengthBucket) -> Bool { a.rawValue < b.rawValue }

    /// How the category is written in prompts and labels.
    public var label: String { self == .under2000 ? "less than 2000" : String(rawValue) }

    /// The bucket a required length falls in (nearest category at or below).
    public static func containing(words: Int) -> LengthBucket {
        allCases.last { $0 != .under2000 && words >= $0.rawValue } ?? .under2000
    }
}
