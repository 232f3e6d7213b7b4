/// Decodes token ids arriving one at a time (as a model generates them) into text, never
/// splitting a UTF-8 character: bytes of a character whose remaining bytes may still come in a
/// later token are held back. Concatenating every `push` result and `finish()` gives exactly
/// `BPETokenizer.decode` of all the ids.
public struct StreamingDecoder: Sendable {
    private let tokenBytes: TokenBytes
    private var pending: [UInt8] = []

    init(tokenBytes: TokenBytes) {
        self.tokenBytes = tokenBytes
    }

    /// Adds token `id` and returns the text that is now complete (possibly empty).
    public mutating func push(_ id: Int32) -> String {
        tokenBytes.append(id, to: &pending)
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns the bytes still held back (an unfinished character becomes U+FFFD) and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix of `bytes` that does not end inside a character which the
    /// following bytes could still complete: everything up to a trailing, so far valid, but
    /// unfinished UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        // An unfinished sequence has at most 3 bytes: its lead byte is among the last 3.
        var leadIndex = count - 1
        while leadIndex >= max(0, count - 3), bytes[leadIndex] & 0xC0 == 0x80 {
            leadIndex -= 1
        }
        guard leadIndex >= 0, leadIndex >= count - 3 else { return count }
        let lead = bytes[leadIndex]
        let needed: Int
        switch lead {
        case 0xC2 ... 0xDF: needed = 2
        case 0xE0 ... 0xEF: needed = 3
        case 0xF0 ... 0xF4: needed = 4
        default: return count // ASCII or an invalid lead byte: nothing can complete it
        }
        let have = count - leadIndex
        guard have < needed else { return count }
        if have >= 2 {
            // The second byte's range is narrower after some lead bytes (no overlongs, surrogates
            // or values past U+10FFFF); a sequence that is already invalid is not held back.
            let second = bytes[leadIndex + 1]
            let valid: ClosedRange<UInt8>
            switch lead {
            case 0xE0: valid = 0xA0 ... 0xBF
            case 0xED: valid = 0x80 ... 0x9F
            case 0xF0: valid = 0x90 ... 0xBF
            case 0xF4: valid = 0x80 ... 0x8F
            default: valid = 0x80 ... 0xBF
            }
            guard valid.contains(second) else { return count }
        }
        return leadIndex
    }
}
