/// A tokenizer's text tokens arranged for grammar masking: their bytes, and a byte trie of them in
/// depth-first order so that one walk against an automaton finds every token it accepts.
///
/// Control tokens (`<|im_start|>`, `<|im_end|>`, …) have no text meaning and are left out; a
/// grammar allows only its stop tokens among them. Build it once per tokenizer and share it
/// between grammars.
public struct TokenVocabulary: Sendable {
    /// Number of token ids of the tokenizer (text tokens or not).
    public let size: Int
    /// The tokenizer's end-of-sequence token, if it has one.
    public let eosID: Int32?

    /// Byte of each trie node, nodes in depth-first order.
    let nodeBytes: [UInt8]
    /// Depth of each node (1 for a token's first byte).
    let nodeDepths: [UInt8]
    /// Index just past each node's subtree.
    let subtreeEnds: [Int32]
    /// `tokenIDs[tokenStarts[n] ..< tokenStarts[n + 1]]` are the tokens whose bytes end at node n.
    let tokenStarts: [Int32]
    let tokenIDs: [Int32]
    /// Deepest node (longest token, in bytes).
    let maxDepth: Int

    /// `byteStorage[byteStarts[id] ..< byteStarts[id + 1]]` are the bytes of text token `id`
    /// (empty for control tokens).
    private let byteStarts: [Int32]
    private let byteStorage: [UInt8]

    /// Longest token accepted, in bytes (node depths are stored in a byte).
    static let maxTokenLength = 255

    /// Reads the tokens of `tokenizer`.
    public init(tokenizer: BPETokenizer) {
        size = tokenizer.vocabularySize
        eosID = tokenizer.eosID
        var byteStarts: [Int32] = [0]
        var byteStorage: [UInt8] = []
        var textTokens: [Int32] = []
        for id in 0 ..< Int32(size) {
            if !Self.isControlToken(id, of: tokenizer), let bytes = tokenizer.bytes(of: id),
               !bytes.isEmpty, bytes.count <= Self.maxTokenLength {
                byteStorage.append(contentsOf: bytes)
                textTokens.append(id)
            }
            byteStarts.append(Int32(byteStorage.count))
        }
        self.byteStarts = byteStarts
        self.byteStorage = byteStorage

        func bytes(_ id: Int32) -> ArraySlice<UInt8> {
            byteStorage[Int(byteStarts[Int(id)]) ..< Int(byteStarts[Int(id) + 1])]
        }
        textTokens.sort { bytes($0).lexicographicallyPrecedes(bytes($1)) }

        var nodeBytes: [UInt8] = [], nodeDepths: [UInt8] = [], subtreeEnds: [Int32] = []
        var tokensPerNode: [Int32] = [], tokenIDs: [Int32] = []
        var path: [Int32] = [] // open nodes, one per depth
        var previous: ArraySlice<UInt8> = []
        for id in textTokens {
            let current = bytes(id)
            var shared = 0
            while shared < min(previous.count, current.count),
                  previous[previous.startIndex + shared] == current[current.startIndex + shared] { shared += 1 }
            while path.count > shared { subtreeEnds[Int(path.removeLast())] = Int32(nodeBytes.count) }
            for depth in shared ..< current.count {
                path.append(Int32(nodeBytes.count))
                nodeBytes.append(current[current.startIndex + depth])
                nodeDepths.append(UInt8(depth + 1))
                subtreeEnds.append(0)
                tokensPerNode.append(0)
            }
            tokensPerNode[Int(path.last!)] += 1
            tokenIDs.append(id)
            previous = current
        }
        while let open = path.popLast() { subtreeEnds[Int(open)] = Int32(nodeBytes.count) }
        var tokenStarts: [Int32] = [0]
        for count in tokensPerNode { tokenStarts.append(tokenStarts.last! + count) }
        self.nodeBytes = nodeBytes
        self.nodeDepths = nodeDepths
        self.subtreeEnds = subtreeEnds
        self.tokenStarts = tokenStarts
        self.tokenIDs = tokenIDs
        maxDepth = Int(nodeDepths.max() ?? 0)
    }

    /// Number of text tokens (tokens in the trie).
    public var textTokenCount: Int { tokenIDs.count }

    /// Number of trie nodes (distinct non-empty token prefixes).
    var nodeCount: Int { nodeBytes.count }

    /// The bytes that are a text token by themselves.
    var singleByteTokens: ByteSet {
        var bytes = ByteSet()
        var node = 0
        while node < nodeBytes.count {
            if tokenStarts[node] < tokenStarts[node + 1] { bytes.insert(nodeBytes[node]) }
            node = Int(subtreeEnds[node])
        }
        return bytes
    }

    /// The bytes of token `id`: empty for control tokens and ids outside the vocabulary.
    func bytes(of id: Int32) -> ArraySlice<UInt8> {
        guard id >= 0, Int(id) < size else { return [] }
        return byteStorage[Int(byteStarts[Int(id)]) ..< Int(byteStarts[Int(id) + 1])]
    }

    /// Whether `id` is a CONTROL token: one the tokenizer produces from its text only when
    /// special tokens are parsed.
    private static func isControlToken(_ id: Int32, of tokenizer: BPETokenizer) -> Bool {
        guard let text = tokenizer.tokenText(id) else { return false }
        func isExactly(_ ids: [Int32]) -> Bool {
            ids == [id] || (tokenizer.addBOS && ids.count == 2 && ids[0] == tokenizer.bosID && ids[1] == id)
        }
        return isExactly(tokenizer.encode(text, parseSpecial: true)) && !isExactly(tokenizer.encode(text, parseSpecial: false))
    }
}
