/// Read-only view of valid UTF-8 bytes (the storage of a Swift `String`) that the pre-tokenizer
/// scanners walk scalar by scalar, addressing positions by byte offset.
struct UTF8Text {
    let bytes: UnsafeBufferPointer<UInt8>

    /// The scalar value starting at byte `offset` and its length in bytes.
    @inline(__always)
    func scalar(at offset: Int) -> (value: UInt32, width: Int) {
        let lead = UInt32(bytes[offset])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 {
            return ((lead & 0x1F) << 6 | UInt32(bytes[offset + 1] & 0x3F), 2)
        }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | UInt32(bytes[offset + 1] & 0x3F) << 6
                | UInt32(bytes[offset + 2] & 0x3F), 3)
        }
        return ((lead & 0x07) << 18 | UInt32(bytes[offset + 1] & 0x3F) << 12
            | UInt32(bytes[offset + 2] & 0x3F) << 6 | UInt32(bytes[offset + 3] & 0x3F), 4)
    }

    /// The class of the scalar at `offset` and the scalar's length in bytes.
    @inline(__always)
    func kind(at offset: Int) -> (kind: ScalarKind, width: Int) {
        let lead = bytes[offset]
        if lead < 0x80 { return (ScalarKind.ascii(lead), 1) }
        let (value, width) = scalar(at: offset)
        return (ScalarKind.of(value), width)
    }

    /// End of the run of scalars of class `kind` starting at `offset` (which may be `end`).
    @inline(__always)
    func run(of kind: ScalarKind, from offset: Int, to end: Int) -> Int {
        var position = offset
        while position < end {
            let (found, width) = self.kind(at: position)
            if found != kind { break }
            position += width
        }
        return position
    }

    /// End of at most `limit` scalars of class `kind` starting at `offset`.
    @inline(__always)
    func run(of kind: ScalarKind, from offset: Int, to end: Int, limit: Int) -> Int {
        var position = offset
        var taken = 0
        while position < end, taken < limit {
            let (found, width) = self.kind(at: position)
            if found != kind { break }
            position += width
            taken += 1
        }
        return position
    }
}

extension ScalarKind {
    /// Class of an ASCII byte, without a table lookup through `of(_:)`.
    @inline(__always)
    static func ascii(_ byte: UInt8) -> ScalarKind {
        switch byte {
        case 0x41 ... 0x5A, 0x61 ... 0x7A: return .letter
        case 0x30 ... 0x39: return .number
        case 0x09 ... 0x0D, 0x20: return .whitespace
        default: return .other
        }
    }
}
