import CCrypto
import Foundation

/// Streaming SHA-256, the one digest of the project: shard, release and model fingerprints, record
/// ids, cache keys (OpenSSL's libcrypto, which uses the CPU's SHA instructions where present).
public struct SHA256: Sendable {
    private var context = SHA256_CTX()

    public init() { SHA256_Init(&context) }

    /// Adds bytes to the running hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    /// Adds bytes to the running hash.
    public mutating func update<C: ContiguousBytes>(_ bytes: C) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the hash and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        SHA256_Final(&digest, &context)
        return digest
    }

    /// Finishes the hash and returns it as 64 lower-case hex digits.
    public mutating func finalizeHex() -> String { Digest.hex(finalize()) }

    /// SHA-256 of a byte sequence as lower-case hex.
    public static func hex<C: ContiguousBytes>(of bytes: C) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// SHA-256 of a string's UTF-8 bytes as lower-case hex.
    public static func hex(of string: String) -> String { hex(of: Array(string.utf8)) }
}

/// Lower-case hex of bytes.
public func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
