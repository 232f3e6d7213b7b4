/// A bounds-checked little-endian cursor over the bytes of a GGUF header.
///
/// Every read checks the remaining length first and throws `GGUFError.truncated`
/// naming `context` (the key or tensor being parsed) instead of reading past the end.
struct GGUFReader {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0
    /// What is being read, for error messages (e.g. "metadata key 'general.name'").
    var context = "header"

    init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.bytes = bytes
    }

    /// Bytes left after the cursor.
    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try require(MemoryLayout<T>.size)
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat() throws -> Float {
        Float(bitPattern: try read(UInt32.self))
    }

    mutating func readDouble() throws -> Double {
        Double(bitPattern: try read(UInt64.self))
    }

    /// Longest metadata string accepted. The largest real ones (embedded tokenizer JSON,
    /// chat templates) are a few MiB; anything longer is a corrupt length.
    static let maximumStringLength: UInt64 = 16 << 20

    /// Reads a GGUF string: a `uint64` byte length then that many UTF-8 bytes.
    /// Invalid UTF-8 is repaired with replacement characters rather than rejected.
    mutating func readString(maximumLength: UInt64 = maximumStringLength) throws -> String {
        let length = try read(UInt64.self)
        guard length <= min(maximumLength, UInt64(remaining)) else {
            guard length > maximumLength || length > Self.modestCount else {
                throw GGUFError.truncated(path: path, context: context, offset: bytes.count)
            }
            throw GGUFError.implausibleCount(path: path, context: "string length in \(context)", count: length)
        }
        let count = Int(length)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count])
        offset += count
        return Self.decodeUTF8(slice)
    }

    /// Decodes UTF-8, replacing invalid sequences with U+FFFD. Valid input (every real file)
    /// takes the fast path; the repair path avoids one thrown error per bad byte inside the
    /// standard library, which is costly wherever thrown errors are traced.
    private static func decodeUTF8(_ bytes: UnsafeRawBufferPointer) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var repaired: [UInt8] = []
        repaired.reserveCapacity(bytes.count + 16)
        _ = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF8.self, stoppingOnError: false) {
            repaired.append($0)
        }
        return String(decoding: repaired, as: UTF8.self)
    }

    /// Counts up to this are accepted even when the rest of the file is too short for them,
    /// so a cut-off file reports "truncated" rather than "implausible count".
    static let modestCount: UInt64 = 1 << 16

    /// Reads a count and rejects it when it is above `modestCount` and `count * minimumElementBytes`
    /// exceeds the bytes left, so a corrupt header cannot make the parser allocate more than
    /// the file's size.
    mutating func readCount(_ what: String, minimumElementBytes: Int) throws -> Int {
        let count = try read(UInt64.self)
        try checkCount(count, what, minimumElementBytes: minimumElementBytes)
        return Int(count)
    }

    /// Throws `implausibleCount` when `count` elements of at least `minimumElementBytes`
    /// each cannot fit in the bytes left (counts up to `modestCount` pass).
    func checkCount(_ count: UInt64, _ what: String, minimumElementBytes: Int) throws {
        guard count <= Self.modestCount || count <= UInt64(remaining / max(minimumElementBytes, 1)) else {
            throw GGUFError.implausibleCount(path: path, context: "\(what) in \(context)", count: count)
        }
    }

    /// Moves the cursor forward to the next multiple of `alignment` (clamped to the end).
    mutating func align(to alignment: Int) {
        let aligned = (offset + alignment - 1) / alignment * alignment
        offset = min(aligned, bytes.count)
    }

    private func require(_ count: Int) throws {
        guard count <= remaining else {
            throw GGUFError.truncated(path: path, context: context, offset: bytes.count)
        }
    }
}
