/// Errors of the pipeline layer; configuration errors name the file, the line and the key.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case config(file: String, line: Int?, path: String, message: String)
    case input(file: String, message: String)
    case malformedRecord(String)
    case stage(name: String, message: String)
    /// Several configuration errors found in one check, in file order.
    case configErrors([PipelineError])

    public var description: String {
        switch self {
        case let .config(file, line, path, message):
            let location = line.map { "\(file):\($0)" } ?? file
            return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
        case let .input(file, message):
            return "\(file): \(message)"
        case let .malformedRecord(prefix):
            return "malformed record (not a JSON object with a string id): \(prefix)"
        case let .stage(name, message):
            return "stage \(name): \(message)"
        case let .configErrors(errors):
            return errors.map(\.description).joined(separator: "\n")
        }
    }

    /// Whether the error is the user's configuration or input, not a failure of the run.
    public var isConfiguration: Bool {
        switch self {
        case .config, .input, .configErrors: return true
        default: return false
        }
    }

    /// The line of a `.config` error, if known.
    public var line: Int? {
        if case .config(_, let line, _, _) = self { return line }
        return nil
    }
}
