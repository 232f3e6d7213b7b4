/// GPT-2's reversible spelling of bytes as printable characters, in which byte-level BPE
/// vocabularies write their tokens: printable Latin-1 bytes stand for themselves, the other 68
/// bytes (controls, space, DEL, NBSP, soft hyphen) for U+0100 onwards in byte order
/// (so a space is `Ġ`, a newline `Ċ`).
enum ByteLevelAlphabet {
    /// The character standing for each byte.
    static let characterOfByte: [Unicode.Scalar] = {
        var characters = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0 ..< 256 {
            if standsForItself(UInt8(byte)) {
                characters[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                characters[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return characters
    }()

    /// The byte each character of the alphabet stands for, indexed by scalar value (< 324);
    /// -1 where a scalar is not in the alphabet.
    private static let byteOfScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (byte, character) in characterOfByte.enumerated() {
            table[Int(character.value)] = Int16(byte)
        }
        return table
    }()

    private static func standsForItself(_ byte: UInt8) -> Bool {
        (0x21 ... 0x7E).contains(byte) || (0xA1 ... 0xAC).contains(byte) || (0xAE ... 0xFF).contains(byte)
    }

    /// The bytes `token` spells, or `nil` if it has a character outside the alphabet.
    static func bytes(spelledBy token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard scalar.value < byteOfScalar.count, byteOfScalar[Int(scalar.value)] >= 0 else { return nil }
            bytes.append(UInt8(byteOfScalar[Int(scalar.value)]))
        }
        return bytes
    }

    /// `bytes` spelled in the alphabet.
    static func spelling(of bytes: some Sequence<UInt8>) -> String {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(characterOfByte[Int(byte)]) }
        return String(text)
    }
}
