#if canImport(Glibc)
import Digest
import Glibc
#endif

/// What the manifest records about a finished shard file.
public struct ShardInfo: Sendable, Equatable {
    public var path: String
    public var records: Int
    public var uncompressedBytes: Int
    public var compressedBytes: Int
    public var sha256: String
}

/// Writes one zstd-compressed JSONL shard: streamed under `<path>.tmp`, then fsynced and renamed.
public final class ShardWriter {
    public let path: String
    public private(set) var records = 0
    public private(set) var uncompressedBytes = 0
    private let tempPath: String
    private var fd: Int32
    private let encoder: ZstdEncoder
    private var pending: [UInt8] = []
    private var compressedBytes = 0
    private var hasher = SHA256()
    private static let chunk = 1 << 17

    /// Opens `<path>.tmp` for writing; the parent folder is created if needed.
    public init(path: String, level: Int32 = 3) throws {
        self.path = path
        tempPath = path + ".tmp"
        try FileSystem.makeDirectories(FileSystem.parent(of: path))
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw StoreError.io(path: tempPath, operation: "open", errno: errno) }
        encoder = try ZstdEncoder(level: level, path: path)
        pending.reserveCapacity(Self.chunk + 4096)
    }

    deinit { if fd >= 0 { close(fd); unlink(tempPath) } }

    /// Appends one record; `line` must be one JSON object without a newline.
    public func append(line: [UInt8]) throws {
        pending.append(contentsOf: line)
        pending.append(0x0A)
        records += 1
        uncompressedBytes += line.count + 1
        if pending.count >= Self.chunk { try flushPending(end: false) }
    }

    /// Closes the frame, fsyncs, renames to the final name, fsyncs the folder; returns what was written.
    public func finish() throws -> ShardInfo {
        try flushPending(end: true)
        if fsync(fd) != 0 { throw StoreError.io(path: tempPath, operation: "fsync", errno: errno) }
        close(fd)
        fd = -1
        if rename(tempPath, path) != 0 { throw StoreError.io(path: path, operation: "rename", errno: errno) }
        try FileSystem.syncDirectory(FileSystem.parent(of: path))
        return ShardInfo(path: path, records: records, uncompressedBytes: uncompressedBytes,
                         compressedBytes: compressedBytes, sha256: hasher.finalizeHex())
    }

    /// Drops the unfinished file.
    public func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(tempPath)
    }

    private func flushPending(end: Bool) throws {
        try pending.withUnsafeBytes { input in
            try encoder.compress(input, end: end) { chunk in
                try writeAll(chunk)
                hasher.update(chunk)
                compressedBytes += chunk.count
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: tempPath, operation: "write", errno: errno)
            }
            offset += n
        }
    }
}
