extension BPETokenizer {
    /// Builds the tokenizer a GGUF file describes: `tokenizer.ggml.model` (must be `gpt2`),
    /// `.tokens`, `.merges`, `.token_type`, `.pre`, `.bos_token_id`, `.eos_token_id` and
    /// `.add_bos_token` (absent: no BOS is added).
    /// - Throws: `TokenizerError.inModelFile` wrapping what is missing or wrong.
    public init(gguf: GGUFFile) throws {
        do {
            try self.init(metadata: gguf.metadata)
        } catch let error as TokenizerError {
            throw TokenizerError.inModelFile(path: gguf.path, error)
        }
    }

    private init(metadata: [String: GGUFValue]) throws {
        func value(_ key: String) throws -> GGUFValue {
            guard let value = metadata[key] else { throw TokenizerError.missingMetadata(key: key) }
            return value
        }
        func tokenID(_ key: String) throws -> Int32? {
            guard let value = metadata[key] else { return nil }
            guard let id = value.int, let id32 = Int32(exactly: id) else {
                throw TokenizerError.invalidMetadata(key: key, reason: "\(value) is not a token id")
            }
            return id32
        }

        guard let model = try value("tokenizer.ggml.model").string else {
            throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.model", reason: "not a string")
        }
        guard model == "gpt2" else { throw TokenizerError.unsupportedModel(kind: model) }
        guard let tokens = try value("tokenizer.ggml.tokens").stringArray else {
            throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.tokens", reason: "not an array of strings")
        }
        guard let merges = try value("tokenizer.ggml.merges").stringArray else {
            throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.merges", reason: "not an array of strings")
        }
        var tokenTypes: [Int32]?
        if let types = metadata["tokenizer.ggml.token_type"] {
            guard let values = types.intArray, values.allSatisfy({ Int32(exactly: $0) != nil }) else {
                throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.token_type", reason: "not an array of int32")
            }
            tokenTypes = values.map { Int32($0) }
        }
        var preName: String?
        if let pre = metadata["tokenizer.ggml.pre"] {
            guard let name = pre.string else {
                throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.pre", reason: "not a string")
            }
            preName = name
        }
        var addBOS = false
        if let flag = metadata["tokenizer.ggml.add_bos_token"] {
            guard let bool = flag.bool else {
                throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.add_bos_token", reason: "not a boolean")
            }
            addBOS = bool
        }
        try self.init(tokens: tokens, merges: merges, tokenTypes: tokenTypes,
                      preTokenizer: try PreTokenizer(ggufName: preName),
                      bosID: try tokenID("tokenizer.ggml.bos_token_id"),
                      eosID: try tokenID("tokenizer.ggml.eos_token_id"),
                      addBOS: addBOS)
    }
}
