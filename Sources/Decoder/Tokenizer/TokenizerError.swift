/// Why a tokenizer could not be built. Each case names the metadata key or entry at fault.
public indirect enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// `tokenizer.ggml.model` names a tokenizer kind other than byte-level BPE (`gpt2`).
    case unsupportedModel(kind: String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer no `PreTokenizer` family covers.
    case unknownPreTokenizer(name: String)
    /// A required metadata key is absent.
    case missingMetadata(key: String)
    /// A metadata value has the wrong type or shape.
    case invalidMetadata(key: String, reason: String)
    /// Entry `index` of `tokenizer.ggml.merges` cannot be used.
    case invalidMerge(index: Int, merge: String, reason: String)
    /// A special token id (`key`) is outside the vocabulary.
    case tokenIDOutOfRange(key: String, id: Int, vocabularySize: Int)
    /// An error in the tokenizer metadata of the model file at `path`.
    case inModelFile(path: String, TokenizerError)

    public var description: String {
        switch self {
        case .unsupportedModel(let kind):
            return "tokenizer.ggml.model is '\(kind)': only byte-level BPE ('gpt2') tokenizers are supported"
        case .unknownPreTokenizer(let name):
            let known = PreTokenizer.aliases.keys.sorted().joined(separator: ", ")
            return "tokenizer.ggml.pre '\(name)' is not a known pre-tokenizer (known: \(known))"
        case .missingMetadata(let key):
            return "metadata key '\(key)' is missing"
        case .invalidMetadata(let key, let reason):
            return "metadata key '\(key)' is invalid: \(reason)"
        case .invalidMerge(let index, let merge, let reason):
            return "tokenizer.ggml.merges[\(index)] '\(merge)' is invalid: \(reason)"
        case .tokenIDOutOfRange(let key, let id, let vocabularySize):
            return "\(key) is \(id), outside the vocabulary of \(vocabularySize) tokens"
        case .inModelFile(let path, let error):
            return "\(path): \(error)"
        }
    }
}
