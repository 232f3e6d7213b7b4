import Foundation

/// A flag raised once by SIGINT/SIGTERM (or a fatal error): stages stop taking new work.
public final class Cancellation: @unchecked Sendable {
    // @unchecked: `reason` and `handlers` are guarded by `lock`.
    private let lock = NSLock()
    private var reason: String?
    private var handlers: [() -> Void] = []

    public init() {}

    public var isCancelled: Bool { lock.withLock { reason != nil } }
    public var cancelReason: String? { lock.withLock { reason } }

    /// Raises the flag (the first reason wins) and runs the registered handlers once.
    public func cancel(_ why: String) {
        let toRun: [() -> Void] = lock.withLock {
            guard reason == nil else { return [] }
            reason = why
            defer { handlers = [] }
            return handlers
        }
        toRun.forEach { $0() }
    }

    /// Runs `handler` on cancellation (at once if already cancelled).
    public func onCancel(_ handler: @escaping () -> Void) {
        let runNow: Bool = lock.withLock {
            if reason != nil { return true }
            handlers.append(handler)
            return false
        }
        if runNow { handler() }
    }
}
