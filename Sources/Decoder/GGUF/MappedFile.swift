#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory. Pages load lazily, so mapping a large
/// model costs no copy and no resident memory until the bytes are touched.
final class MappedFile: @unchecked Sendable {
    // @unchecked: a read-only mapping, unmapped only in deinit.
    /// First byte of the mapping (`nil` for an empty file, which cannot be mapped).
    let base: UnsafeRawPointer?
    /// Length of the file in bytes.
    let count: Int

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw GGUFError.unreadable(path: path, reason: Self.systemError()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GGUFError.unreadable(path: path, reason: Self.systemError()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError.unreadable(path: path, reason: "not a regular file")
        }
        count = Int(info.st_size)
        guard count > 0 else {
            base = nil
            return
        }
        let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw GGUFError.unreadable(path: path, reason: Self.systemError())
        }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The mapped bytes as a buffer (empty for an empty file).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
