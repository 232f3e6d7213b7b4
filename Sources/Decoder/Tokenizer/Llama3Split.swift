/// Scanner for the Llama 3 pre-tokenizer pattern (and Qwen2's, which differs only in taking
/// numbers one digit at a time):
/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
/// trying the alternatives in order at each position like the regex engine does.
enum Llama3Split {
    @inline(__always)
    static func split(_ text: UTF8Text, _ range: Range<Int>, maximumDigits: Int,
                      _ body: (Range<Int>) -> Void) {
        var position = range.lowerBound
        while position < range.upperBound {
            let next = match(text, at: position, end: range.upperBound, maximumDigits: maximumDigits)
            body(position ..< next)
            position = next
        }
    }

    /// End of the pattern's match starting at `start` (< `end`).
    @inline(__always)
    static func match(_ text: UTF8Text, at start: Int, end: Int, maximumDigits: Int) -> Int {
        let bytes = text.bytes
        let first = bytes[start]
        if first == UInt8(ascii: "'"), let contractionEnd = contraction(text, after: start + 1, end: end) {
            return contractionEnd
        }
        let (firstKind, firstWidth) = text.kind(at: start)
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        if firstKind == .letter {
            return text.run(of: .letter, from: start + firstWidth, to: end)
        }
        let isNewline = first == 0x0A || first == 0x0D
        if firstKind != .number, !isNewline, start + firstWidth < end,
           text.kind(at: start + firstWidth).kind == .letter {
            return text.run(of: .letter, from: start + firstWidth, to: end)
        }
        // `\p{N}{1,n}`
        if firstKind == .number {
            return text.run(of: .number, from: start, to: end, limit: maximumDigits)
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var punctuationStart = -1
        if firstKind == .other {
            punctuationStart = start
        } else if first == UInt8(ascii: " "), start + 1 < end, text.kind(at: start + 1).kind == .other {
            punctuationStart = start + 1
        }
        if punctuationStart >= 0 {
            var position = text.run(of: .other, from: punctuationStart, to: end)
            while position < end, bytes[position] == 0x0A || bytes[position] == 0x0D {
                position += 1
            }
            return position
        }
        // `\s*[\r\n]+` (up to the run's last newline), else `\s+(?!\S)|\s+`.
        var position = start
        var lastStart = start
        var afterLastNewline = -1
        while position < end {
            let (kind, width) = text.kind(at: position)
            if kind != .whitespace { break }
            if bytes[position] == 0x0A || bytes[position] == 0x0D { afterLastNewline = position + 1 }
            lastStart = position
            position += width
        }
        if afterLastNewline >= 0 { return afterLastNewline }
        if position == end || lastStart == start { return position }
        return lastStart
    }

    /// End of `s|t|re|ve|m|ll|d` right after an apostrophe, matched case-insensitively the way
    /// Oniguruma folds case (so `ſ`, U+017F, counts as `s`), if it is there.
    @inline(__always)
    private static func contraction(_ text: UTF8Text, after offset: Int, end: Int) -> Int? {
        guard offset < end else { return nil }
        let bytes = text.bytes
        func lower(_ at: Int) -> UInt8 { bytes[at] | 0x20 }
        switch lower(offset) {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return offset + 1
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return offset + 1 < end && lower(offset + 1) == UInt8(ascii: "e") ? offset + 2 : nil
        case UInt8(ascii: "l"):
            return offset + 1 < end && lower(offset + 1) == UInt8(ascii: "l") ? offset + 2 : nil
        default:
            // U+017F LATIN SMALL LETTER LONG S folds to "s".
            return offset + 1 < end && bytes[offset] == 0xC5 && bytes[offset + 1] == 0xBF ? offset + 2 : nil
        }
    }
}
