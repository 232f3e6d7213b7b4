/// Errors of the pipeline layer; configuration errors name the file, the line and the key.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case config(file: String, line: Int?, path: String, message: String)
    case input(file: String, message: String)
    case malformedRecord(String)
    case stage(name: String, message: String)

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
        }
    }

    /// Whether the error is the user's configuration or input, not a failure of the run.
    public var isConfiguration: Bool {
        switch self {
        case .config, .input: return true
        default: return false
        }
    }
}
