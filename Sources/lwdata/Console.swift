import Foundation
import Logging

/// Where the CLI writes: results to stdout, diagnostics to stderr.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write((text + "\n").data(using: .utf8)!)
    }

    /// Where `--log-file` copies diagnostics, if anywhere.
    nonisolated(unsafe) static var logFile: LogFile?

    static func error(_ text: String) {
        FileHandle.standardError.write(("lwdata: " + text + "\n").data(using: .utf8)!)
        logFile?.append("error", text)
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Sets up swift-log once: stderr, `info` (or `error` when quiet), and `logFile` at `info`.
    static func bootstrapLogging(quiet: Bool, logFile: LogFile? = nil) -> Logger {
        self.logFile = logFile
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = quiet ? .error : .info
            guard let logFile else { return handler }
            return MultiplexLogHandler([handler, LogFileHandler(file: logFile)])
        }
        return Logger(label: "lwdata")
    }
}
