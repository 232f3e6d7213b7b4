#if canImport(Glibc)
import Digest
import Glibc
#endif
import Store

/// Where `lwdata export` writes lines: a zstd shard, or a plain JSONL file for trainers that
/// read only plain files (LLaMA-Factory).
protocol ExportSink: AnyObject {
    func append(line: [UInt8]) throws
    /// Fsyncs the file, renames it to its final name and returns what was written.
    func complete() throws -> ExportedFile
}

/// A file an export wrote.
struct ExportedFile {
    var path: String
    var records: Int
    /// Size on disk.
    var bytes: Int
    var sha256: String
}

extension ShardWriter: ExportSink {
    func complete() throws -> ExportedFile {
        let info = try finish()
        return ExportedFile(path: info.path, records: info.records, bytes: info.compressedBytes, sha256: info.sha256)
    }
}

/// Writes a plain JSONL file under `<path>.tmp`, then fsyncs and renames it, like `ShardWriter`.
final class ExportPlainWriter: ExportSink {
    let path: String
    private(set) var records = 0
    private let tempPath: String
    private var fd: Int32
    private var pending: [UInt8] = []
    private var bytes = 0
    private var hasher = SHA256()
    private static let chunk = 1 << 17

    init(path: String) throws {
        self.path = path
        tempPath = path + ".tmp"
        try FileSystem.makeDirectories(FileSystem.parent(of: path))
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw StoreError.io(path: tempPath, operation: "open", errno: errno) }
    }

    deinit { if fd >= 0 { close(fd); unlink(tempPath) } }

    func append(line: [UInt8]) throws {
        pending += line
        pending.append(0x0A)
        records += 1
        if pending.count >= Self.chunk { try flush() }
    }

    func complete() throws -> ExportedFile {
        try flush()
        if fsync(fd) != 0 { throw StoreError.io(path: tempPath, operation: "fsync", errno: errno) }
        close(fd)
        fd = -1
        if rename(tempPath, path) != 0 { throw StoreError.io(path: path, operation: "rename", errno: errno) }
        return ExportedFile(path: path, records: records, bytes: bytes, sha256: hasher.finalizeHex())
    }

    private func flush() throws {
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: tempPath, operation: "write", errno: errno)
            }
            offset += n
        }
        hasher.update(pending)
        bytes += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}
