import Foundation

/// A BERT sentence encoder (all-MiniLM-L6-v2 by default): texts in, unit-length embeddings
/// out, so the dot product of two embeddings is their cosine similarity.
///
/// Loaded from a folder holding `model.safetensors`, `tokenizer.json` and `config.json` (see
/// `EncoderLocator`). Thread-safe: one instance can serve concurrent calls.
public final class SentenceEncoder: Sendable {
    /// Folder the encoder was loaded from.
    public let directory: String
    /// Length of every embedding (384 for all-MiniLM-L6-v2).
    public let dimension: Int
    /// Texts are cut to this many tokens, `[CLS]` and `[SEP]` included.
    public let maxTokens: Int
    /// The tokenizer, for callers that need token counts.
    public let tokenizer: WordPieceTokenizer
    private let forward: BertForward
    /// Tokens per forward batch: texts are sorted by length and packed up to this many.
    private static let tokensPerBatch = 4096

    /// Loads the encoder in `directory`. `maxTokens` is capped by the model's positions
    /// (256 is what all-MiniLM-L6-v2 was trained with); `threads` gives the encoder a pool of
    /// its own of that size (its threads live as long as the process: for benchmarks and tests),
    /// otherwise it shares the decoder's pool (`LWDATA_THREADS`).
    public init(directory: String, maxTokens: Int = 256, threads: Int? = nil) throws {
        self.directory = directory
        let configuration = try BertConfiguration(path: directory + "/config.json")
        tokenizer = try WordPieceTokenizer(path: directory + "/tokenizer.json")
        let file = try SafetensorsFile(path: directory + "/model.safetensors")
        let weights = try BertWeights(file, configuration: configuration)
        dimension = configuration.hiddenSize
        self.maxTokens = max(2, min(maxTokens, configuration.maxPositions))
        forward = BertForward(weights: weights, configuration: configuration,
                              pool: threads.map { KernelPool(threads: $0) } ?? KernelPool.shared)
    }

    /// Threads a call uses.
    public var threads: Int { forward.pool.threads }

    /// The embedding of each text, in order (each `dimension` floats of unit length; an empty
    /// text gets the embedding of `[CLS] [SEP]`).
    public func encode(_ texts: [String]) -> [[Float]] {
        encode(tokens: texts.map { tokenizer.encode($0, maxLength: maxTokens) })
    }

    /// The embedding of each token sequence (as `tokenizer.encode` returns them, `[CLS]` …
    /// `[SEP]`, at most `maxTokens` ids each), in order.
    public func encode(tokens: [[Int32]]) -> [[Float]] {
        let order = tokens.indices.sorted { tokens[$0].count < tokens[$1].count }
        var result = [[Float]](repeating: [], count: tokens.count)
        var start = 0
        while start < order.count {
            var end = start
            var rows = 0
            while end < order.count && (end == start || rows + tokens[order[end]].count <= Self.tokensPerBatch) {
                rows += tokens[order[end]].count
                end += 1
            }
            let batch = order[start ..< end].map { Array(tokens[$0].prefix(maxTokens)) }
            for (index, embedding) in zip(order[start ..< end], forward.embeddings(batch)) { result[index] = embedding }
            start = end
        }
        return result
    }
}
