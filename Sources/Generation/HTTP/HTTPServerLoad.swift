import Foundation

/// What an `HTTPServer` holds right now: open connections and reserved body bytes, checked
/// against its limits before anything is accepted or buffered.
final class HTTPServerLoad: @unchecked Sendable {  // state guarded by `lock`
    private let lock = NSLock()
    private let limits: HTTPServerLimits
    private var connections = 0
    private var bufferedBytes = 0

    init(limits: HTTPServerLimits) { self.limits = limits }

    /// Takes a connection slot; false when all are taken.
    func openConnection() -> Bool {
        lock.withLock {
            guard connections < limits.maxConnections else { return false }
            connections += 1
            return true
        }
    }

    /// Bodies larger than this may fill only three quarters of the shared bound: the last quarter
    /// is kept for ordinary requests, so that big uploads never lock out small chat requests.
    static let smallBodyBytes = 64 << 10

    /// Reserves `bytes` of body buffer; false when that would pass the shared bound.
    func reserve(_ bytes: Int) -> Bool {
        let bound = bytes > Self.smallBodyBytes ? limits.maxBufferedBytes / 4 * 3 : limits.maxBufferedBytes
        return lock.withLock {
            guard bufferedBytes + bytes <= bound else { return false }
            bufferedBytes += bytes
            return true
        }
    }

    /// Gives back a connection slot and its reserved bytes.
    func closeConnection(reserved: Int) {
        lock.withLock {
            connections -= 1
            bufferedBytes -= reserved
        }
    }
}
