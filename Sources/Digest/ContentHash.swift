/// Stable short content hashes for ids and cache keys.
public enum ContentHash {
    /// First 32 hex digits of the SHA-256 of the parts joined by a unit separator.
    public static func of(_ parts: String...) -> String { of(parts) }

    public static func of(_ parts: [String]) -> String {
        var hasher = SHA256()
        for (i, part) in parts.enumerated() {
            if i > 0 { hasher.update([UInt8(0x1F)]) }
            hasher.update(Array(part.utf8))
        }
        return String(hasher.finalizeHex().prefix(32))
    }
}
