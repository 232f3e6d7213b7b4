/// Hyperparameters of a Llama-family model (`llama` or `qwen2`), read from the `{arch}.*`
/// GGUF metadata keys (the names below are those keys without the prefix).
public struct LlamaConfiguration: Sendable, Equatable {
    /// Architectures whose GGUF layout and forward pass this decoder implements.
    public static let supportedArchitectures = ["llama", "qwen2"]

    /// `general.architecture`.
    public var architecture: String
    /// `embedding_length`: width of the residual stream.
    public var embeddingLength: Int
    /// `block_count`: number of transformer blocks.
    public var blockCount: Int
    /// `attention.head_count`.
    public var headCount: Int
    /// `attention.head_count_kv` (defaults to `headCount`).
    public var headCountKV: Int
    /// `attention.key_length` (defaults to `embeddingLength / headCount`).
    public var headDimension: Int
    /// `feed_forward_length`: hidden width of the MLP.
    public var feedForwardLength: Int
    /// `context_length`: positions the model was trained for.
    public var contextLength: Int
    /// `attention.layer_norm_rms_epsilon`.
    public var rmsNormEpsilon: Float
    /// `rope.freq_base` (defaults to 10,000).
    public var ropeFrequencyBase: Float
    /// `rope.dimension_count`: leading dimensions of each head that RoPE rotates (defaults to `headDimension`).
    public var ropeDimensionCount: Int
    /// Vocabulary size (`vocab_size`, else the token embedding's row count).
    public var vocabularySize: Int

    /// Which dimensions of a head RoPE rotates together (as llama.cpp's rope type for the architecture).
    var ropePairing: RotaryEmbedding.Pairing { architecture == "qwen2" ? .halves : .adjacent }

    /// Width of the key and value projections: `headCountKV × headDimension`.
    public var keyValueWidth: Int { headCountKV * headDimension }
    /// Width of the query projection: `headCount × headDimension`.
    public var queryWidth: Int { headCount * headDimension }

    /// Reads the hyperparameters of `file`, checking the architecture and that they are consistent.
    public init(file: GGUFFile) throws {
        let path = file.path
        guard let architecture = file.metadata["general.architecture"]?.string else {
            throw ModelError.missingMetadata(path: path, key: "general.architecture")
        }
        guard Self.supportedArchitectures.contains(architecture) else {
            throw ModelError.unsupportedArchitecture(path: path, architecture: architecture)
        }
        self.architecture = architecture
        func key(_ name: String) -> String { "\(architecture).\(name)" }
        func positive(_ name: String, default fallback: Int? = nil) throws -> Int {
            guard let value = file.metadata[key(name)] else {
                guard let fallback else { throw ModelError.missingMetadata(path: path, key: key(name)) }
                return fallback
            }
            guard let int = value.int, int > 0, int <= 1 << 24 else {
                throw ModelError.invalidMetadata(path: path, key: key(name), reason: "expected a positive integer, found \(value)")
            }
            return int
        }
        func positiveFloat(_ name: String, default fallback: Float? = nil) throws -> Float {
            guard let value = file.metadata[key(name)] else {
                guard let fallback else { throw ModelError.missingMetadata(path: path, key: key(name)) }
                return fallback
            }
            guard let double = value.double, double > 0, double.isFinite else {
                throw ModelError.invalidMetadata(path: path, key: key(name), reason: "expected a positive number, found \(value)")
            }
            return Float(double)
        }

        embeddingLength = try positive("embedding_length")
        blockCount = try positive("block_count")
        headCount = try positive("attention.head_count")
        headCountKV = try positive("attention.head_count_kv", default: headCount)
        guard headCount % headCountKV == 0 else {
            throw ModelError.invalidMetadata(path: path, key: key("attention.head_count_kv"),
                                             reason: "\(headCountKV) does not divide the head count \(headCount)")
        }
        guard embeddingLength % headCount == 0 || file.metadata[key("attention.key_length")] != nil else {
            throw ModelError.invalidMetadata(path: path, key: key("attention.head_count"),
                                             reason: "\(headCount) does not divide the embedding length \(embeddingLength)")
        }
        headDimension = try positive("attention.key_length", default: embeddingLength / headCount)
        if let valueLength = file.metadata[key("attention.value_length")], valueLength.int != headDimension {
            throw ModelError.invalidMetadata(path: path, key: key("attention.value_length"),
                                             reason: "\(valueLength) differs from the key length \(headDimension)")
        }
        feedForwardLength = try positive("feed_forward_length")
        contextLength = try positive("context_length")
        rmsNormEpsilon = try positiveFloat("attention.layer_norm_rms_epsilon")
        ropeFrequencyBase = try positiveFloat("rope.freq_base", default: 10_000)
        ropeDimensionCount = try positive("rope.dimension_count", default: headDimension)
        guard ropeDimensionCount <= headDimension, ropeDimensionCount % 2 == 0 else {
            throw ModelError.invalidMetadata(path: path, key: key("rope.dimension_count"),
                                             reason: "\(ropeDimensionCount) must be even and at most the head dimension \(headDimension)")
        }
        guard let embedding = file.tensor(named: "token_embd.weight") else {
            throw ModelError.missingTensor(path: path, tensor: "token_embd.weight")
        }
        vocabularySize = try positive("vocab_size", default: embedding.rowCount)
    }
}
