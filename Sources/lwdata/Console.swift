import Foundation
import Logging

/// Where the CLI writes: results to stdout, diagnostics to stderr.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write((text + "\n").data(using: .utf8)!)
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(("lwdata: " + text + "\n").data(using: .utf8)!)
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Sets up swift-log once: stderr, `info` (or `error` when quiet).
    static func bootstrapLogging(quiet: Bool) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = quiet ? .error : .info
            return handler
        }
        return Logger(label: "lwdata")
    }
}
