import Foundation

/// Live counters of one stage in the current run.
public final class StageProgress: @unchecked Sendable {
    public let name: String
    private let lock = NSLock()
    private var _processed = 0, _cached = 0, _emitted = 0, _rejected = 0, _failed = 0
    private var _total: Int?
    private var _finished = false

    public init(name: String) { self.name = name }

    public struct Snapshot: Sendable {
        public var processed: Int, cached: Int, emitted: Int, rejected: Int, failed: Int
        public var total: Int?
        public var finished: Bool
        /// Items handled, computed or reused.
        public var done: Int { processed + cached + failed }
    }

    public var snapshot: Snapshot {
        lock.withLock { Snapshot(processed: _processed, cached: _cached, emitted: _emitted, rejected: _rejected,
                                 failed: _failed, total: _total, finished: _finished) }
    }

    func add(processed: Int = 0, cached: Int = 0, emitted: Int = 0, rejected: Int = 0, failed: Int = 0) {
        lock.withLock {
            _processed += processed; _cached += cached; _emitted += emitted; _rejected += rejected; _failed += failed
        }
    }

    func setTotal(_ total: Int?) { lock.withLock { _total = total } }
    func markFinished() { lock.withLock { _finished = true } }
}
