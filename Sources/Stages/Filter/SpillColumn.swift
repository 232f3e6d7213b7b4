import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Fixed-size rows appended in order and read back by number. Rows stay in memory up to
/// `memoryLimit` bytes; past it they move to an unlinked temporary file (gone when the column is
/// dropped or the process dies), so a large index stays within its memory budget.
final class SpillColumn {
    let rowBytes: Int
    private let memoryLimit: Int
    private let directory: String
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    /// Rows stored in the file; rows past them are in `buffer`.
    private(set) var spilledRows = 0
    private(set) var count = 0

    init(rowBytes: Int, memoryLimit: Int, directory: String) {
        self.rowBytes = rowBytes
        self.memoryLimit = max(rowBytes, memoryLimit)
        self.directory = directory
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Bytes held in memory.
    var residentBytes: Int { buffer.capacity }

    func append(_ row: UnsafeRawBufferPointer) throws {
        precondition(row.count == rowBytes)
        buffer.append(contentsOf: row)
        count += 1
        if buffer.count >= memoryLimit { try spill() }
    }

    /// Copies row `index` into `out` (`rowBytes` long).
    func read(_ index: Int, into out: UnsafeMutableRawBufferPointer) throws {
        if index >= spilledRows {
            let start = (index - spilledRows) * rowBytes
            buffer.withUnsafeBytes { out.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + rowBytes])) }
            return
        }
        try readFile(offset: index * rowBytes, into: out)
    }

    /// Copies rows `rows` (in order) into `out` (`rows.count * rowBytes` long).
    func read(rows: Range<Int>, into out: UnsafeMutableRawBufferPointer) throws {
        precondition(out.count == rows.count * rowBytes)
        let fromFile = max(0, min(rows.upperBound, spilledRows) - rows.lowerBound)
        if fromFile > 0 {
            try readFile(offset: rows.lowerBound * rowBytes, into: UnsafeMutableRawBufferPointer(rebasing: out[0..<fromFile * rowBytes]))
        }
        guard fromFile < rows.count else { return }
        let start = (rows.lowerBound + fromFile - spilledRows) * rowBytes
        let length = (rows.count - fromFile) * rowBytes
        buffer.withUnsafeBytes {
            UnsafeMutableRawBufferPointer(rebasing: out[fromFile * rowBytes..<out.count])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + length]))
        }
    }

    /// Every row in order, as one array of `T` (rows must be a whole number of `T`).
    func readAll<T: FixedWidthInteger>(as type: T.Type) throws -> [T] {
        let total = count * rowBytes
        var result = [T](repeating: 0, count: total / MemoryLayout<T>.stride)
        try result.withUnsafeMutableBytes { out in
            var offset = 0
            let chunk = 8 << 20
            while offset < spilledRows * rowBytes {
                let size = min(chunk, spilledRows * rowBytes - offset)
                try readFile(offset: offset, into: UnsafeMutableRawBufferPointer(rebasing: out[offset..<offset + size]))
                offset += size
            }
            buffer.withUnsafeBytes { rest in
                guard let source = rest.baseAddress else { return }
                out.baseAddress!.advanced(by: offset).copyMemory(from: source, byteCount: rest.count)
            }
        }
        return result
    }

    private func spill() throws {
        if fd < 0 {
            let path = directory + "/lwdata-spill-\(getpid())-\(UUID().uuidString.prefix(8))"
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd < 0 { throw SpillError.io(path: path, operation: "create", errno: errno) }
            unlink(path)
        }
        try buffer.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = pwrite(fd, raw.baseAddress! + written, raw.count - written, off_t(spilledRows * rowBytes + written))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SpillError.io(path: directory, operation: "write", errno: errno)
                }
                written += n
            }
        }
        spilledRows = count
        buffer.removeAll(keepingCapacity: true)
    }

    private func readFile(offset: Int, into out: UnsafeMutableRawBufferPointer) throws {
        var done = 0
        while done < out.count {
            let n = pread(fd, out.baseAddress! + done, out.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw SpillError.io(path: directory, operation: "read", errno: n < 0 ? errno : 0) }
            done += n
        }
    }
}

/// A failure of the spill file of a near-duplicate index.
public enum SpillError: Error, CustomStringConvertible {
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            return "spill file in \(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
