import Foundation
import Store

/// Input files a source stage found damaged (a compressed stream cut short or corrupt): the
/// lines read before the damage are kept, the rest of that file is skipped, the other inputs are
/// built, and `lwdata build` exits 2 at the end naming each damaged file.
public final class InputDamageLog: @unchecked Sendable {  // `messages` guarded by `lock`
    private let lock = NSLock()
    private var recorded: [String] = []

    public init() {}

    /// One message per damaged file, in the order they were found.
    public var messages: [String] { lock.withLock { recorded } }

    public func record(_ message: String) { lock.withLock { recorded.append(message) } }

    /// What a `LineReader` error says about the input `display`, with the last line read
    /// whole; nil when the error is not damage of the file's contents.
    public static func describe(_ error: Error, display: String) -> (message: String, lastGoodLine: Int)? {
        switch error {
        case StoreError.truncated(_, let lines, _):
            return ("\(display): truncated: the compressed stream ends early after line \(lines), the last good line; "
                    + "lines 1-\(lines) were read and the rest of the file is skipped", lines)
        case StoreError.corrupt(_, let lines, _, let detail):
            return ("\(display): corrupt after line \(lines), the last good line (\(detail)); "
                    + "lines 1-\(lines) were read and the rest of the file is skipped", lines)
        default:
            return nil
        }
    }
}

/// A source stage that reads input files and reports the damaged ones.
public protocol InputDamageReporting {
    var inputDamage: InputDamageLog { get }
}
