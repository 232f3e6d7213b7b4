import Foundation
import Logging

/// `--log-file FILE`: diagnostics appended one line each (`O_APPEND`, so builds started by cron
/// that overlap interleave whole lines), stamped with UTC time and the process id.
final class LogFile: @unchecked Sendable {
    // @unchecked: writes go through `lock`; the file descriptor and formatter are only used under it.
    let path: String
    private let fd: Int32
    private let pid = getpid()
    private let lock = NSLock()
    private let stamp: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    /// Opens (creating) the file for appending.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw LogFileError.open(path: path, errno: errno) }
    }

    deinit { close(fd) }

    /// Appends `text` (each of its lines) at `level`.
    func append(_ level: String, _ text: String) {
        lock.withLock {
            let prefix = "\(stamp.string(from: Date())) lwdata[\(pid)] \(level): "
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 + "\n" }
            let bytes = Array(lines.joined().utf8)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }
}

/// Why `--log-file` cannot be used.
enum LogFileError: Error, CustomStringConvertible {
    case open(path: String, errno: Int32)

    var description: String {
        switch self {
        case let .open(path, code): return "--log-file \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// A swift-log handler writing to a `LogFile` at `info` and above, whatever `--quiet` says.
struct LogFileHandler: LogHandler {
    let file: LogFile
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        file.append(event.level.rawValue, event.message.description)
    }
}
