/// Gathers the errors of a configuration check so that one run reports all of them, each with
/// its file and line, instead of stopping at the first.
public final class ConfigErrorCollector {
    public private(set) var errors: [PipelineError] = []

    public init() {}

    /// Runs `body`; a configuration error is recorded and gives nil, anything else is thrown.
    public func attempt<T>(_ body: () throws -> T) rethrows -> T? {
        do {
            return try body()
        } catch let error as PipelineError where error.isConfiguration {
            record(error)
            return nil
        }
    }

    /// Records an error (the errors of a `.configErrors` one by one).
    public func record(_ error: PipelineError) {
        if case .configErrors(let list) = error { errors += list } else { errors.append(error) }
    }

    /// Throws what was recorded: the error itself when there is one, all of them in file order otherwise.
    public func finish() throws {
        guard !errors.isEmpty else { return }
        if errors.count == 1 { throw errors[0] }
        throw PipelineError.configErrors(errors.enumerated().sorted { a, b in
            (a.element.line ?? 0, a.offset) < (b.element.line ?? 0, b.offset)
        }.map(\.element))
    }
}
