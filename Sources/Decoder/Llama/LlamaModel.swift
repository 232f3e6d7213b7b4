/// A Llama-family transformer (`llama` or `qwen2`) running on the weights of a memory-mapped
/// GGUF file.
///
/// The forward pass follows the paper: token embedding, `blockCount` pre-norm blocks of
/// grouped-query attention with RoPE and a SwiGLU MLP, a final RMSNorm and the output
/// projection (the token embedding when the file has no `output.weight`). Qwen2 adds biases
/// to the query/key/value projections and pairs RoPE dimensions by halves. Weights stay in
/// their quantized encoding; matrix products run on the encoded blocks.
///
/// The model holds no per-sequence state: each sequence has its own `KVCache`, so several
/// sequences can run on one model, concurrently from different threads if need be.
public final class LlamaModel: @unchecked Sendable {
    // @unchecked: weights are read-only memory-mapped tensors; scratch buffers belong to each forward call.
    /// Hyperparameters read from the file.
    public let configuration: LlamaConfiguration
    /// The file the weights live in.
    public let file: GGUFFile

    private let tokenEmbedding: WeightMatrix
    private let blocks: [TransformerBlock]
    private let outputNorm: [Float]
    private let output: WeightMatrix
    private let rope: RotaryEmbedding
    /// How matrix products treat activations (int8 blocks by default, as llama.cpp).
    public let precision: ActivationPrecision

    /// Builds the model from `file`, checking the architecture and every tensor's shape
    /// against the hyperparameters.
    public init(file: GGUFFile, precision: ActivationPrecision = .int8) throws {
        self.precision = precision
        let c = try LlamaConfiguration(file: file)
        configuration = c
        self.file = file
        let loader = TensorLoader(file: file)

        tokenEmbedding = try loader.matrix("token_embd.weight", columns: c.embeddingLength, rows: c.vocabularySize)
        blocks = try (0 ..< c.blockCount).map { layer in
            let prefix = "blk.\(layer)."
            return TransformerBlock(
                attentionNorm: try loader.vector(prefix + "attn_norm.weight", count: c.embeddingLength),
                attention: Attention(
                    query: try loader.matrix(prefix + "attn_q.weight", columns: c.embeddingLength, rows: c.queryWidth),
                    key: try loader.matrix(prefix + "attn_k.weight", columns: c.embeddingLength, rows: c.keyValueWidth),
                    value: try loader.matrix(prefix + "attn_v.weight", columns: c.embeddingLength, rows: c.keyValueWidth),
                    output: try loader.matrix(prefix + "attn_output.weight", columns: c.queryWidth, rows: c.embeddingLength),
                    queryBias: try loader.optionalVector(prefix + "attn_q.bias", count: c.queryWidth),
                    keyBias: try loader.optionalVector(prefix + "attn_k.bias", count: c.keyValueWidth),
                    valueBias: try loader.optionalVector(prefix + "attn_v.bias", count: c.keyValueWidth)),
                feedForwardNorm: try loader.vector(prefix + "ffn_norm.weight", count: c.embeddingLength),
                feedForward: FeedForward(
                    gate: try loader.matrix(prefix + "ffn_gate.weight", columns: c.embeddingLength, rows: c.feedForwardLength),
                    up: try loader.matrix(prefix + "ffn_up.weight", columns: c.embeddingLength, rows: c.feedForwardLength),
                    down: try loader.matrix(prefix + "ffn_down.weight", columns: c.feedForwardLength, rows: c.embeddingLength)))
        }
        outputNorm = try loader.vector("output_norm.weight", count: c.embeddingLength)
        if file.tensor(named: "output.weight") != nil {
            output = try loader.matrix("output.weight", columns: c.embeddingLength, rows: c.vocabularySize)
        } else {
            output = tokenEmbedding
        }
        rope = RotaryEmbedding(dimensionCount: c.ropeDimensionCount, headDimension: c.headDimension, base: c.ropeFrequencyBase,
                             pairing: c.ropePairing)
    }

    /// Opens the GGUF file at `path` and builds the model from it.
    public convenience init(path: String, precision: ActivationPrecision = .int8) throws {
        try self.init(file: GGUFFile(path: path), precision: precision)
    }

    /// A KV cache for one sequence of up to `capacity` positions (default: the model's context length).
    public func makeCache(capacity: Int? = nil) throws -> KVCache {
        let capacity = capacity ?? configuration.contextLength
        guard capacity <= configuration.contextLength else {
            throw ModelError.cacheLargerThanContext(requested: capacity, contextLength: configuration.contextLength)
        }
        // The int8 path keeps keys and values in half precision, as llama.cpp does; the exact path in Float.
        return try KVCache(layerCount: configuration.blockCount, width: configuration.keyValueWidth, capacity: max(1, capacity),
                       halfPrecision: precision == .int8)
    }

    /// Runs `tokens` at the next positions of `cache` (which records them) and returns the
    /// logits predicting the token after the last one.
    public func forward(tokens: [Int32], cache: KVCache) throws -> [Float] {
        try forward(batch: [SequenceStep(tokens: tokens, cache: cache)])[0]!
    }

    /// Like `forward(tokens:cache:)` but returns the logits after every one of `tokens`.
    public func forwardReturningAllLogits(tokens: [Int32], cache: KVCache) throws -> [[Float]] {
        guard !tokens.isEmpty else { return [] }
        let rows = try placeRows([SequenceStep(tokens: tokens, cache: cache)])
        let logits = try run(rows: rows, tokens: tokens, logitRows: Array(0 ..< tokens.count))
        cache.advance(by: tokens.count)
        return logits
    }

    /// One forward step for several sequences at once (a batch): each step's tokens run at the
    /// next positions of its own cache, all rows sharing every matrix product, so the weights
    /// are read once per step instead of once per sequence. Returns, per step, the logits
    /// after its last token, or nil where `wantsLogits` is false (a prompt chunk that is not
    /// the prompt's last). Each cache may appear once per call.
    public func forward(batch steps: [SequenceStep]) throws -> [[Float]?] {
        let active = steps.filter { !$0.tokens.isEmpty }
        guard !active.isEmpty else { return steps.map { _ in nil } }
        let rows = try placeRows(active)
        var lastRows: [Int] = []
        var row = 0
        for step in active {
            row += step.tokens.count
            if step.wantsLogits { lastRows.append(row - 1) }
        }
        var computed = try run(rows: rows, tokens: active.flatMap(\.tokens), logitRows: lastRows)[...]
        for step in active { step.cache.advance(by: step.tokens.count) }
        return steps.map { step in
            step.tokens.isEmpty || !step.wantsLogits ? nil : computed.popFirst()
        }
    }

    /// Checks `steps` against the caches and the vocabulary and lays out one row per token.
    private func placeRows(_ steps: [SequenceStep]) throws -> [RowPlacement] {
        let c = configuration
        var seen = Set<ObjectIdentifier>()
        var rows: [RowPlacement] = []
        for step in steps {
            let cache = step.cache
            guard cache.layerCount == c.blockCount, cache.width == c.keyValueWidth else { throw ModelError.incompatibleCache }
            precondition(seen.insert(ObjectIdentifier(cache)).inserted, "a KV cache appears twice in one batch")
            let start = cache.count
            guard start + step.tokens.count <= cache.capacity else {
                throw ModelError.contextOverflow(requested: start + step.tokens.count, capacity: cache.capacity)
            }
            if let bad = step.tokens.first(where: { $0 < 0 || Int($0) >= c.vocabularySize }) {
                throw ModelError.tokenOutOfRange(token: bad, vocabularySize: c.vocabularySize)
            }
            rows += (0 ..< step.tokens.count).map { RowPlacement(cache: cache, position: start + $0) }
        }
        return rows
    }

    /// Rows run through the blocks together at most: bigger batches go in slices of this
    /// many (as llama.cpp's micro-batches), which bounds the scratch memory of a long prompt.
    var microBatchRows = 512

    /// Embeds `tokens` (one per row), runs every block and returns the logits after the rows
    /// `logitRows` (ascending); the caches are written, not advanced. Slices of rows run one
    /// after another, so later rows of a sequence see the keys and values of earlier ones.
    private func run(rows: [RowPlacement], tokens: [Int32], logitRows: [Int]) throws -> [[Float]] {
        let c = configuration
        var results: [[Float]] = []
        var wanted = logitRows[...]
        for start in stride(from: 0, to: rows.count, by: microBatchRows) {
            let slice = start ..< min(rows.count, start + microBatchRows)
            let buffers = ForwardBuffers(configuration: c, tokens: slice.count)
            for (t, token) in tokens[slice].enumerated() {
                tokenEmbedding.dequantizeRow(Int(token), into: buffers.hidden[offset: t * c.embeddingLength])
            }
            let placements = Array(rows[slice])
            for (layer, block) in blocks.enumerated() {
                block.forward(buffers, rows: placements, layer: layer, configuration: c, rope: rope, precision: precision)
            }
            var inSlice: [Int] = []
            while let next = wanted.first, slice.contains(next) {
                inSlice.append(next - start)
                wanted.removeFirst()
            }
            results += logits(buffers, rows: inSlice)
        }
        return results
    }

    /// Final RMSNorm and output projection of the residual rows `rows`.
    private func logits(_ buffers: ForwardBuffers, rows: [Int]) -> [[Float]] {
        guard !rows.isEmpty else { return [] }
        let c = configuration
        let width = c.embeddingLength
        let normalized = FloatBuffer(count: rows.count * width)
        outputNorm.withUnsafeBufferPointer { weight in
            for (i, row) in rows.enumerated() {
                VectorMath.rmsNorm(buffers.hidden[offset: row * width], weight: weight.baseAddress!, epsilon: c.rmsNormEpsilon,
                                   count: width, into: normalized[offset: i * width])
            }
        }
        let result = FloatBuffer(count: rows.count * c.vocabularySize)
        MatrixProduct.run([MatrixProduct(matrix: output, input: normalized.pointer, output: result.pointer)],
                          vectors: rows.count, precision: precision)
        return (0 ..< rows.count).map { i in
            Array(UnsafeBufferPointer(start: result[offset: i * c.vocabularySize], count: c.vocabularySize))
        }
    }
}

/// One sequence's part of a batched forward step (`LlamaModel.forward(batch:)`).
public struct SequenceStep {
    /// Tokens to run at the next positions of `cache`.
    public var tokens: [Int32]
    /// The sequence's cache; it records the tokens.
    public var cache: KVCache
    /// Whether the logits after the last token are needed (false for a prompt chunk that more chunks follow).
    public var wantsLogits: Bool

    public init(tokens: [Int32], cache: KVCache, wantsLogits: Bool = true) {
        self.tokens = tokens
        self.cache = cache
        self.wantsLogits = wantsLogits
    }
}
