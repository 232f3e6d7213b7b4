/// Deterministic 64-bit hashing for dedup keys, shingles and LSH bands: the same input gives the
/// same value in every process and on every machine (unlike Swift's seeded `Hasher`). Not cryptographic.
public enum StableHash {
    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The splitmix64 finaliser: every input bit affects every output bit.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Folds `value` into the running hash `state` (order matters).
    @inline(__always)
    public static func combine(_ state: UInt64, _ value: UInt64) -> UInt64 {
        mix(state ^ (value &+ golden &+ (state << 6) &+ (state >> 2)))
    }

    /// Hash of a byte buffer, eight bytes at a time.
    public static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var h = mix(seed ^ UInt64(bytes.count) &* golden)
        var i = 0
        while i + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ mix(word)) &* golden
            h = (h << 31) | (h >> 33)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ mix(tail ^ 0xA5A5_A5A5))
    }

    /// Hash of a string's UTF-8 bytes.
    public static func of(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var copy = text
        return copy.withUTF8 { of(UnsafeRawBufferPointer($0), seed: seed) }
    }
}
