/// The bytes every token decodes to, stored back to back: a byte-level token's characters
/// mapped back through `ByteLevelAlphabet`, an added token's (CONTROL, USER_DEFINED) own text.
struct TokenBytes: Sendable {
    private var storage: [UInt8] = []
    private var starts: [Int32] = [0]

    init(tokens: [String], types: [Int32]?) {
        storage.reserveCapacity(tokens.count * 6)
        starts.reserveCapacity(tokens.count + 1)
        for (index, token) in tokens.enumerated() {
            let type = types?[index]
            if type == TokenType.control || type == TokenType.userDefined {
                storage.append(contentsOf: token.utf8)
            } else {
                storage.append(contentsOf: ByteLevelAlphabet.bytes(spelledBy: token) ?? Array(token.utf8))
            }
            starts.append(Int32(storage.count))
        }
    }

    var count: Int { starts.count - 1 }

    /// Appends the bytes of token `id` to `output`; ids outside the vocabulary add nothing.
    @inline(__always)
    func append(_ id: Int32, to output: inout [UInt8]) {
        guard id >= 0, Int(id) < count else { return }
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        storage.withUnsafeBufferPointer { output.append(contentsOf: $0[start ..< end]) }
    }

    /// The bytes of token `id`, or `nil` outside the vocabulary.
    func bytes(of id: Int32) -> ArraySlice<UInt8>? {
        guard id >= 0, Int(id) < count else { return nil }
        return storage[Int(starts[Int(id)]) ..< Int(starts[Int(id) + 1])]
    }
}
