/// Scanner for GPT-2's pre-tokenizer pattern
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
/// trying the alternatives in order at each position like the regex engine does.
///
/// With `isolatingNumbers` every `\p{N}` scalar is first cut out on its own (Hugging Face's
/// `Digits(individual_digits: true)` ahead of `ByteLevel`), and the pattern runs separately on
/// each stretch between them, so a stretch's end counts as the end of the text for `(?!\S)`.
enum GPT2Split {
    @inline(__always)
    static func split(_ text: UTF8Text, _ range: Range<Int>, isolatingNumbers: Bool,
                      _ body: (Range<Int>) -> Void) {
        var position = range.lowerBound
        let end = range.upperBound
        guard isolatingNumbers else {
            while position < end {
                let next = match(text, at: position, end: end)
                body(position ..< next)
                position = next
            }
            return
        }
        while position < end {
            let (kind, width) = text.kind(at: position)
            if kind == .number {
                body(position ..< position + width)
                position += width
                continue
            }
            let stretchEnd = nextNumber(text, from: position + width, end: end)
            while position < stretchEnd {
                let next = match(text, at: position, end: stretchEnd)
                body(position ..< next)
                position = next
            }
        }
    }

    /// Offset of the first `\p{N}` scalar at or after `offset`, or `end`.
    @inline(__always)
    private static func nextNumber(_ text: UTF8Text, from offset: Int, end: Int) -> Int {
        var position = offset
        while position < end {
            let (kind, width) = text.kind(at: position)
            if kind == .number { break }
            position += width
        }
        return position
    }

    /// End of the pattern's match starting at `start` (< `end`).
    @inline(__always)
    static func match(_ text: UTF8Text, at start: Int, end: Int) -> Int {
        let bytes = text.bytes
        let first = bytes[start]
        if first == UInt8(ascii: "'"), let contractionEnd = contraction(bytes, after: start + 1, end: end) {
            return contractionEnd
        }
        let (firstKind, firstWidth) = text.kind(at: start)
        // ` ?X+` for X in letters, numbers, others: an optional leading space.
        if first == UInt8(ascii: " "), start + 1 < end {
            let (nextKind, _) = text.kind(at: start + 1)
            if nextKind != .whitespace {
                return text.run(of: nextKind, from: start + 1, to: end)
            }
        }
        if firstKind != .whitespace {
            return text.run(of: firstKind, from: start + firstWidth, to: end)
        }
        // `\s+(?!\S)|\s+`: a whitespace run, less its last scalar when a non-space follows.
        var position = start + firstWidth
        var lastStart = start
        while position < end {
            let (kind, width) = text.kind(at: position)
            if kind != .whitespace { break }
            lastStart = position
            position += width
        }
        if position == end || lastStart == start { return position }
        return lastStart
    }

    /// End of `s|t|re|ve|m|ll|d` (case-sensitive) right after an apostrophe, if it is there.
    @inline(__always)
    private static func contraction(_ bytes: UnsafeBufferPointer<UInt8>, after offset: Int, end: Int) -> Int? {
        guard offset < end else { return nil }
        switch bytes[offset] {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return offset + 1
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return offset + 1 < end && bytes[offset + 1] == UInt8(ascii: "e") ? offset + 2 : nil
        case UInt8(ascii: "l"):
            return offset + 1 < end && bytes[offset + 1] == UInt8(ascii: "l") ? offset + 2 : nil
        default:
            return nil
        }
    }
}
