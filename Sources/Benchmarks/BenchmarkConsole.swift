/// Where a benchmark's lines go: its figures (`lwdata bench` prints them on stdout) and its
/// progress notes (stderr).
public struct BenchmarkConsole: Sendable {
    /// A line of figures.
    public let out: @Sendable (String) -> Void
    /// A progress note.
    public let note: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, note: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.note = note
    }
}

/// A benchmark that cannot run as asked: a bad setting, a missing tool, a corpus it cannot use.
public enum BenchmarkError: Error, CustomStringConvertible {
    /// What is wrong, in a sentence.
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): return message
        }
    }
}
