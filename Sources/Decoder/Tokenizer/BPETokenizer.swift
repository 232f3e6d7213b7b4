/// A byte-level BPE tokenizer (GGUF `tokenizer.ggml.model = gpt2`: GPT-2, SmolLM, Llama 3,
/// Qwen2, ...), giving the same token ids as the Hugging Face `tokenizers` library for the same
/// vocabulary, merges and pre-tokenizer.
///
/// Encoding: added tokens are cut out of the raw text first (see `SpecialTokenMatcher`), the
/// stretches between them are split into words by the `PreTokenizer` family, and each word's
/// UTF-8 bytes are merged by rank (see `BPEMerge`). Decoding concatenates token bytes and reads
/// them as UTF-8, replacing invalid sequences with U+FFFD.
public struct BPETokenizer: Sendable {
    /// The pre-tokenizer family that splits text into words.
    public let preTokenizer: PreTokenizer
    /// Beginning-of-sequence token id, if the vocabulary has one.
    public let bosID: Int32?
    /// End-of-sequence token id, if the vocabulary has one.
    public let eosID: Int32?
    /// Whether `encode` puts `bosID` first.
    public let addBOS: Bool

    private let tokens: [String]
    private let idsByText: [String: Int32]
    private let rules: MergeTable
    /// Token id of each single byte, -1 where the vocabulary lacks it.
    private let byteTokenIDs: [Int32]
    private let tokenBytes: TokenBytes
    private let specialTokens: SpecialTokenMatcher
    /// Ids of normal tokens by their bytes, for pre-tokenizers that take whole words from the
    /// vocabulary before merging (`PreTokenizer.takesWholeWordsFromVocabulary`).
    private let wholeWordIDs: [[UInt8]: Int32]?

    /// Builds a tokenizer from a vocabulary as GGUF stores it.
    /// - Parameters:
    ///   - tokens: token texts by id, byte-level tokens spelled in GPT-2's byte alphabet.
    ///   - merges: merge rules `"left right"`, highest priority first.
    ///   - tokenTypes: GGUF token types by id (3 CONTROL and 4 USER_DEFINED mark added tokens), or `nil`.
    ///   - preTokenizer: the word-splitting family.
    ///   - bosID: beginning-of-sequence id; `eosID`: end-of-sequence id.
    ///   - addBOS: whether `encode` starts with `bosID`.
    /// - Throws: `TokenizerError` naming the entry that is inconsistent.
    public init(tokens: [String], merges: [String], tokenTypes: [Int32]?, preTokenizer: PreTokenizer,
                bosID: Int32?, eosID: Int32?, addBOS: Bool) throws {
        if let tokenTypes, tokenTypes.count != tokens.count {
            throw TokenizerError.invalidMetadata(
                key: "tokenizer.ggml.token_type",
                reason: "\(tokenTypes.count) entries for \(tokens.count) tokens")
        }
        for (key, id) in [("tokenizer.ggml.bos_token_id", bosID), ("tokenizer.ggml.eos_token_id", eosID)] {
            if let id, id < 0 || Int(id) >= tokens.count {
                throw TokenizerError.tokenIDOutOfRange(key: key, id: Int(id), vocabularySize: tokens.count)
            }
        }
        if addBOS && bosID == nil {
            throw TokenizerError.missingMetadata(key: "tokenizer.ggml.bos_token_id")
        }
        self.tokens = tokens
        self.preTokenizer = preTokenizer
        self.bosID = bosID
        self.eosID = eosID
        self.addBOS = addBOS

        let idsByText = Dictionary(tokens.enumerated().map { ($0.element, Int32($0.offset)) },
                                   uniquingKeysWith: { _, later in later })
        self.idsByText = idsByText
        rules = try Self.mergeTable(merges, idsByText: idsByText)
        byteTokenIDs = ByteLevelAlphabet.characterOfByte.map { idsByText[String($0)] ?? -1 }
        tokenBytes = TokenBytes(tokens: tokens, types: tokenTypes)
        specialTokens = SpecialTokenMatcher(tokens: tokens, types: tokenTypes)
        if preTokenizer.takesWholeWordsFromVocabulary {
            var wholeWords: [[UInt8]: Int32] = [:]
            for (index, token) in tokens.enumerated() {
                let type = tokenTypes?[index]
                guard type != TokenType.control, type != TokenType.userDefined,
                      let bytes = ByteLevelAlphabet.bytes(spelledBy: token) else { continue }
                wholeWords[bytes] = Int32(index)
            }
            wholeWordIDs = wholeWords
        } else {
            wholeWordIDs = nil
        }
    }

    private static func mergeTable(_ merges: [String], idsByText: [String: Int32]) throws -> MergeTable {
        var table = MergeTable(capacity: merges.count)
        for (rank, merge) in merges.enumerated() {
            let scalars = merge.unicodeScalars
            guard let space = scalars.dropFirst().firstIndex(of: " ") else {
                throw TokenizerError.invalidMerge(index: rank, merge: merge, reason: "no space between the two parts")
            }
            let left = String(scalars[..<space]), right = String(scalars[scalars.index(after: space)...])
            guard let leftID = idsByText[left] else {
                throw TokenizerError.invalidMerge(index: rank, merge: merge, reason: "'\(left)' is not in the vocabulary")
            }
            guard let rightID = idsByText[right] else {
                throw TokenizerError.invalidMerge(index: rank, merge: merge, reason: "'\(right)' is not in the vocabulary")
            }
            guard let mergedID = idsByText[left + right] else {
                throw TokenizerError.invalidMerge(index: rank, merge: merge,
                                                  reason: "the merged token '\(left + right)' is not in the vocabulary")
            }
            table.insert(leftID, rightID, rule: .init(rank: Int32(rank), merged: mergedID))
        }
        return table
    }

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { tokens.count }

    /// The token's text as the vocabulary stores it (byte-level tokens in GPT-2's byte
    /// alphabet, e.g. `Ġthe`), or `nil` outside the vocabulary.
    public func tokenText(_ id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    /// The id of the token whose stored text is `tokenText` (e.g. `<|im_end|>`, `Ġthe`).
    public func id(of tokenText: String) -> Int32? { idsByText[tokenText] }

    /// The bytes token `id` decodes to (an added token's own text), or `nil` outside the vocabulary.
    public func bytes(of id: Int32) -> [UInt8]? { tokenBytes.bytes(of: id).map(Array.init) }

    /// Token ids of `text`.
    /// - Parameter parseSpecial: whether CONTROL tokens written in the text (`<|im_start|>`)
    ///   become their token; when `false` they are tokenized as plain text. USER_DEFINED tokens
    ///   are always matched.
    /// - Returns: the ids, starting with `bosID` when `addBOS` is set (once: a text that already
    ///   starts with the BOS token gets no second one).
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int32] {
        var text = text
        var ids: [Int32] = []
        ids.reserveCapacity(text.utf8.count / 3 + 2)
        if addBOS, let bosID { ids.append(bosID) }
        text.withUTF8 { bytes in
            let view = UTF8Text(bytes: bytes)
            var word: [Int32] = []
            specialTokens.partition(bytes, parseSpecial: parseSpecial, plain: { stretch in
                preTokenizer.split(view, stretch) { appendWord(bytes[$0], to: &ids, scratch: &word) }
            }, token: { ids.append($0) })
        }
        if addBOS, ids.count >= 2, ids[1] == bosID { ids.removeFirst() }
        return ids
    }

    @inline(__always)
    private func appendWord(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, to ids: inout [Int32],
                            scratch: inout [Int32]) {
        if let wholeWordIDs, let id = wholeWordIDs[Array(bytes)] {
            ids.append(id)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        for byte in bytes {
            let id = byteTokenIDs[Int(byte)]
            if id >= 0 { scratch.append(id) }
        }
        guard !scratch.isEmpty else { return }
        let rules = self.rules
        let count = scratch.withUnsafeMutableBufferPointer {
            BPEMerge.merge($0.baseAddress!, count: $0.count, rules: rules)
        }
        ids.append(contentsOf: scratch[0 ..< count])
    }

    /// The text of `ids`: their bytes read as UTF-8 (invalid sequences become U+FFFD); added
    /// tokens give their own text, ids outside the vocabulary nothing.
    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids { tokenBytes.append(id, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A decoder for ids arriving one at a time, which hands out only whole characters.
    public func makeStreamingDecoder() -> StreamingDecoder { StreamingDecoder(tokenBytes: tokenBytes) }
}
