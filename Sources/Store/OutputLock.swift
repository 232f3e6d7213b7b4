#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An exclusive lock on an output folder, held for the life of a build.
///
/// It is an `flock` on `<dir>/lwdata.lock`, so the kernel releases it when the process dies,
/// even by SIGKILL: a crashed build never leaves a stale lock behind.
public final class OutputLock {
    public let path: String
    private var fd: Int32

    /// Takes the lock at once or throws `StoreError.busy` naming the holder.
    public init(directory: String, owner: String) throws {
        try FileSystem.makeDirectories(directory)
        path = OutputLayout(directory: directory).lock
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw StoreError.io(path: path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            fd = -1
            if code == EWOULDBLOCK { throw StoreError.busy(directory: directory, holder: holder.isEmpty ? "unknown holder" : holder) }
            throw StoreError.io(path: path, operation: "flock", errno: code)
        }
        let note = "pid \(getpid()), \(owner), since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Releases the lock (also released when the process exits).
    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
