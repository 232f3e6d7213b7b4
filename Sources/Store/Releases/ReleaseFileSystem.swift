#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The POSIX steps releases are made of: links, symlinks swapped by rename, durable small files.
extension FileSystem {
    /// Where a symlink points, nil when `path` is not a symlink.
    public static func symlinkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        buffer[n] = 0
        return String(cString: buffer)
    }

    /// Points `link` at `target` atomically: a new symlink under a temporary name renamed over
    /// the old one, then the folder is fsynced. A reader sees the old target or the new, never none.
    public static func replaceSymlink(_ link: String, target: String) throws {
        let temp = link + ".tmp"
        unlink(temp)
        if symlink(target, temp) != 0 { throw StoreError.io(path: temp, operation: "symlink", errno: errno) }
        if rename(temp, link) != 0 {
            let code = errno
            unlink(temp)
            throw StoreError.io(path: link, operation: "rename", errno: code)
        }
        try syncDirectory(parent(of: link))
    }

    /// Makes `destination` a hard link of `source`; copies (and fsyncs) when the file system
    /// refuses links. Returns whether it linked.
    @discardableResult
    public static func linkOrCopy(_ source: String, to destination: String) throws -> Bool {
        if link(source, destination) == 0 { return true }
        let code = errno
        guard [EXDEV, EPERM, EMLINK, ENOTSUP, EOPNOTSUPP].contains(code) else {
            throw StoreError.io(path: destination, operation: "link", errno: code)
        }
        try copyDurably(source, to: destination)
        return false
    }

    /// Copies a file and fsyncs the copy.
    static func copyDurably(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        if input < 0 { throw StoreError.io(path: source, operation: "open", errno: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if output < 0 { throw StoreError.io(path: destination, operation: "open", errno: errno) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw StoreError.io(path: source, operation: "read", errno: errno) }
            if n == 0 { break }
            try writeAll(output, buffer, count: n, path: destination)
        }
        if fsync(output) != 0 { throw StoreError.io(path: destination, operation: "fsync", errno: errno) }
    }

    /// Writes a small file under a temporary name, fsyncs it and renames it into place.
    public static func writeDurably(_ data: Data, to path: String) throws {
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw StoreError.io(path: temp, operation: "open", errno: errno) }
        do {
            try writeAll(fd, [UInt8](data), count: data.count, path: temp)
            if fsync(fd) != 0 { throw StoreError.io(path: temp, operation: "fsync", errno: errno) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        if rename(temp, path) != 0 { throw StoreError.io(path: path, operation: "rename", errno: errno) }
        try syncDirectory(parent(of: path))
    }

    /// Removes a file or a folder with everything in it; a missing path is not an error.
    public static func removeTree(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw StoreError.io(path: path, operation: "remove", errno: errno == 0 ? EIO : errno)
        }
    }

    /// Names in a folder, sorted; empty when the folder is missing.
    public static func entries(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Device and inode of a file, and how many names it has (hard links).
    static func identity(of path: String) -> (device: UInt64, inode: UInt64, links: Int, size: Int)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino), Int(st.st_nlink), Int(st.st_size))
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int, path: String) throws {
        var offset = 0
        while offset < count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: path, operation: "write", errno: errno)
            }
            offset += n
        }
    }
}
