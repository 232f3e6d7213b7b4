/// Finds added tokens (GGUF token types CONTROL and USER_DEFINED) in raw text before
/// pre-tokenization, leftmost first and, among tokens starting at the same place, longest first
/// (Hugging Face's added-vocabulary matching).
///
/// CONTROL tokens (`<|im_start|>`) are looked for only when special tokens are parsed;
/// USER_DEFINED tokens always, like non-special added tokens in Hugging Face and llama.cpp.
struct SpecialTokenMatcher: Sendable {
    private struct Entry: Sendable {
        var bytes: [UInt8]
        var id: Int32
        var isControl: Bool
    }

    /// Entries by first byte, longest first.
    private var entriesByFirstByte: [[Entry]] = Array(repeating: [], count: 256)

    init(tokens: [String], types: [Int32]?) {
        guard let types else { return }
        for (index, type) in types.enumerated() where type == TokenType.control || type == TokenType.userDefined {
            let bytes = Array(tokens[index].utf8)
            guard let first = bytes.first else { continue }
            entriesByFirstByte[Int(first)].append(
                Entry(bytes: bytes, id: Int32(index), isControl: type == TokenType.control))
        }
        for first in 0 ..< 256 {
            entriesByFirstByte[first].sort { $0.bytes.count > $1.bytes.count }
        }
    }

    /// Calls `plain` for each stretch of `bytes` between added tokens and `token` for each added
    /// token found, in text order.
    @inline(__always)
    func partition(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool,
                   plain: (Range<Int>) -> Void, token: (Int32) -> Void) {
        var stretchStart = 0
        var position = 0
        while position < bytes.count {
            let candidates = entriesByFirstByte[Int(bytes[position])]
            var matched: Entry?
            for entry in candidates where (parseSpecial || !entry.isControl)
                && entry.bytes.count <= bytes.count - position
                && Self.matches(entry.bytes, bytes, at: position) {
                matched = entry
                break
            }
            guard let entry = matched else {
                position += 1
                continue
            }
            if stretchStart < position { plain(stretchStart ..< position) }
            token(entry.id)
            position += entry.bytes.count
            stretchStart = position
        }
        if stretchStart < bytes.count { plain(stretchStart ..< bytes.count) }
    }

    @inline(__always)
    private static func matches(_ needle: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        for index in 1 ..< needle.count where needle[index] != bytes[offset + index] { return false }
        return true
    }
}

/// The values of `tokenizer.ggml.token_type` that mark added tokens (others: 1 normal,
/// 2 unknown, 5 unused, 6 byte).
enum TokenType {
    static let control: Int32 = 3
    static let userDefined: Int32 = 4
}
