/// A dense layer `y = x·Wᵀ + b` with PyTorch's `[out, in]` weight layout, in float.
struct DenseLayer: Sendable {
    let weight: [Float]
    let bias: [Float]
    let inputs: Int
    let outputs: Int

    init(_ file: SafetensorsFile, _ prefix: String, inputs: Int, outputs: Int) throws {
        weight = try file.floats(prefix + ".weight", shape: [outputs, inputs])
        bias = try file.floats(prefix + ".bias", shape: [outputs])
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Several layers reading the same input as one (outputs side by side: Q, K, V).
    init(concatenating layers: [DenseLayer]) {
        weight = layers.flatMap(\.weight)
        bias = layers.flatMap(\.bias)
        inputs = layers[0].inputs
        outputs = layers.reduce(0) { $0 + $1.outputs }
    }
}

/// LayerNorm's scale and shift.
struct LayerNormWeights: Sendable {
    let gamma: [Float]
    let beta: [Float]

    init(_ file: SafetensorsFile, _ prefix: String, size: Int) throws {
        gamma = try file.floats(prefix + ".weight", shape: [size])
        beta = try file.floats(prefix + ".bias", shape: [size])
    }
}

/// One transformer layer of BERT: self-attention (Q, K, V together, then the output
/// projection and a post-LayerNorm) and the GELU feed-forward (with its post-LayerNorm).
struct BertLayerWeights: Sendable {
    let queryKeyValue: DenseLayer
    let attentionOutput: DenseLayer
    let attentionNorm: LayerNormWeights
    let intermediate: DenseLayer
    let output: DenseLayer
    let outputNorm: LayerNormWeights

    init(_ file: SafetensorsFile, index: Int, configuration c: BertConfiguration) throws {
        let p = "encoder.layer.\(index)."
        let h = c.hiddenSize
        queryKeyValue = DenseLayer(concatenating: try ["query", "key", "value"].map {
            try DenseLayer(file, p + "attention.self." + $0, inputs: h, outputs: h)
        })
        attentionOutput = try DenseLayer(file, p + "attention.output.dense", inputs: h, outputs: h)
        attentionNorm = try LayerNormWeights(file, p + "attention.output.LayerNorm", size: h)
        intermediate = try DenseLayer(file, p + "intermediate.dense", inputs: h, outputs: c.intermediateSize)
        output = try DenseLayer(file, p + "output.dense", inputs: c.intermediateSize, outputs: h)
        outputNorm = try LayerNormWeights(file, p + "output.LayerNorm", size: h)
    }
}

/// All weights of a BERT encoder (the pooler is not used: sentence embeddings mean-pool).
struct BertWeights: Sendable {
    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbeddings: [Float]
    let embeddingNorm: LayerNormWeights
    let layers: [BertLayerWeights]

    init(_ file: SafetensorsFile, configuration c: BertConfiguration) throws {
        let h = c.hiddenSize
        wordEmbeddings = try file.floats("embeddings.word_embeddings.weight", shape: [c.vocabularySize, h])
        positionEmbeddings = try file.floats("embeddings.position_embeddings.weight", shape: [c.maxPositions, h])
        tokenTypeEmbeddings = try file.floats("embeddings.token_type_embeddings.weight", shape: [c.typeVocabularySize, h])
        embeddingNorm = try LayerNormWeights(file, "embeddings.LayerNorm", size: h)
        layers = try (0 ..< c.layerCount).map { try BertLayerWeights(file, index: $0, configuration: c) }
    }
}
