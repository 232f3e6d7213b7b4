import CBLAS
import CKernels
import Foundation

/// The BERT forward pass over a batch of token sequences, ending in mean pooling and L2
/// normalisation (sentence-transformers' `all-MiniLM-L6-v2` recipe).
///
/// The sequences are not padded: every token-wise step (embeddings, dense layers, LayerNorm,
/// GELU) runs on all tokens of the batch stacked as rows, cut into chunks of rows spread over
/// the pool and multiplied with OpenBLAS `sgemm`; attention runs per (sequence, head) over
/// that sequence's own tokens, so padding needs no mask and costs nothing.
struct BertForward: Sendable {
    let weights: BertWeights
    let configuration: BertConfiguration
    let pool: KernelPool

    /// The normalised mean-pooled embedding of each sequence of `batch` (each non-empty,
    /// at most `maxPositions` ids).
    func embeddings(_ batch: [[Int32]]) -> [[Float]] {
        BLASThreads.singleThreaded
        let h = configuration.hiddenSize
        var starts: [Int] = []
        var rows = 0
        for tokens in batch {
            starts.append(rows)
            rows += tokens.count
        }
        let hidden = FloatBuffer(count: rows * h)
        let qkv = FloatBuffer(count: rows * 3 * h)
        let context = FloatBuffer(count: rows * h)
        let chunks = rowChunks(rows)

        pool.parallel(batch.count) { b in
            embed(batch[b], into: hidden[offset: starts[b] * h])
        }
        pool.parallel(chunks.count) { task in
            let chunk = chunks[task]
            dense(weights.layers[0].queryKeyValue, hidden[offset: chunk.lowerBound * h], rows: chunk.count,
                  into: qkv[offset: chunk.lowerBound * 3 * h])
        }
        for (index, layer) in weights.layers.enumerated() {
            let heads = configuration.headCount
            pool.parallel(batch.count * heads) { task in
                let b = task / heads
                attend(head: task % heads, rows: batch[b].count, qkv: qkv[offset: starts[b] * 3 * h],
                       into: context[offset: starts[b] * h])
            }
            let next = index + 1 < weights.layers.count ? weights.layers[index + 1] : nil
            pool.parallel(chunks.count) { task in
                let chunk = chunks[task]
                finishLayer(layer, rows: chunk.count, context: context[offset: chunk.lowerBound * h],
                            hidden: hidden[offset: chunk.lowerBound * h])
                if let next {
                    dense(next.queryKeyValue, hidden[offset: chunk.lowerBound * h], rows: chunk.count,
                          into: qkv[offset: chunk.lowerBound * 3 * h])
                }
            }
        }
        return batch.indices.map { b in
            pooled(hidden[offset: starts[b] * h], rows: batch[b].count)
        }
    }

    /// Rows cut into chunks: several per thread (cores are shared, so balance matters), each
    /// large enough that sgemm runs near its best.
    private func rowChunks(_ rows: Int) -> [Range<Int>] {
        let size = min(256, max(32, (rows + 4 * pool.threads - 1) / (4 * pool.threads)))
        return stride(from: 0, to: rows, by: size).map { $0 ..< min(rows, $0 + size) }
    }

    /// Word + position + token-type (0) embeddings, then LayerNorm.
    private func embed(_ tokens: [Int32], into output: UnsafeMutablePointer<Float>) {
        let h = configuration.hiddenSize
        weights.wordEmbeddings.withUnsafeBufferPointer { words in
            weights.positionEmbeddings.withUnsafeBufferPointer { positions in
                weights.tokenTypeEmbeddings.withUnsafeBufferPointer { types in
                    for (t, id) in tokens.enumerated() {
                        let row = output + t * h
                        let word = words.baseAddress! + Int(id) * h
                        let position = positions.baseAddress! + t * h
                        for i in 0 ..< h { row[i] = word[i] + position[i] + types[i] }
                        layerNorm(row, weights.embeddingNorm)
                    }
                }
            }
        }
    }

    /// `output = input · Wᵀ + b` for `rows` rows.
    private func dense(_ layer: DenseLayer, _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>) {
        layer.weight.withUnsafeBufferPointer { w in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(layer.outputs), Int32(layer.inputs),
                        1, input, Int32(layer.inputs), w.baseAddress!, Int32(layer.inputs), 0, output, Int32(layer.outputs))
        }
        layer.bias.withUnsafeBufferPointer { bias in
            for r in 0 ..< rows {
                let row = output + r * layer.outputs
                for i in 0 ..< layer.outputs { row[i] += bias[i] }
            }
        }
    }

    /// Scaled dot-product attention of one head over one sequence's `rows` tokens; `qkv`
    /// holds each token's query, key and value side by side.
    private func attend(head: Int, rows: Int, qkv: UnsafePointer<Float>, into context: UnsafeMutablePointer<Float>) {
        let h = configuration.hiddenSize
        let d = configuration.headSize
        let stride = Int32(3 * h)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: rows * rows)
        defer { scores.deallocate() }
        let q = qkv + head * d
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(rows), Int32(d),
                    1 / Float(d).squareRoot(), q, stride, q + h, stride, 0, scores, Int32(rows))
        for r in 0 ..< rows { VectorMath.softmax(scores + r * rows, count: rows) }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(d), Int32(rows),
                    1, scores, Int32(rows), q + 2 * h, stride, 0, context + head * d, Int32(h))
    }

    /// The rest of a layer for `rows` rows: attention output projection, residual,
    /// LayerNorm, GELU feed-forward, residual, LayerNorm; `hidden` is updated in place.
    private func finishLayer(_ layer: BertLayerWeights, rows: Int, context: UnsafePointer<Float>, hidden: UnsafeMutablePointer<Float>) {
        let h = configuration.hiddenSize
        let inner = configuration.intermediateSize
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rows * h)
        let intermediate = UnsafeMutablePointer<Float>.allocate(capacity: rows * inner)
        defer {
            scratch.deallocate()
            intermediate.deallocate()
        }
        dense(layer.attentionOutput, context, rows: rows, into: scratch)
        addAndNormalize(scratch, into: hidden, rows: rows, layer.attentionNorm)
        dense(layer.intermediate, hidden, rows: rows, into: intermediate)
        lw_gelu(intermediate, Int64(rows * inner))
        dense(layer.output, intermediate, rows: rows, into: scratch)
        addAndNormalize(scratch, into: hidden, rows: rows, layer.outputNorm)
    }

    /// `hidden = LayerNorm(hidden + x)` row by row.
    private func addAndNormalize(_ x: UnsafePointer<Float>, into hidden: UnsafeMutablePointer<Float>, rows: Int, _ norm: LayerNormWeights) {
        let h = configuration.hiddenSize
        for r in 0 ..< rows {
            VectorMath.add(x + r * h, to: hidden + r * h, count: h)
            layerNorm(hidden + r * h, norm)
        }
    }

    /// LayerNorm of one row in place: `(x − mean) / sqrt(var + ε) · γ + β`.
    private func layerNorm(_ row: UnsafeMutablePointer<Float>, _ norm: LayerNormWeights) {
        let h = configuration.hiddenSize
        var sum: Float = 0
        for i in 0 ..< h { sum += row[i] }
        let mean = sum / Float(h)
        var squares: Float = 0
        for i in 0 ..< h {
            let centred = row[i] - mean
            squares += centred * centred
        }
        let scale = 1 / (squares / Float(h) + configuration.layerNormEpsilon).squareRoot()
        norm.gamma.withUnsafeBufferPointer { gamma in
            norm.beta.withUnsafeBufferPointer { beta in
                for i in 0 ..< h { row[i] = (row[i] - mean) * scale * gamma[i] + beta[i] }
            }
        }
    }

    /// Mean of `rows` rows, scaled to unit length.
    private func pooled(_ hidden: UnsafePointer<Float>, rows: Int) -> [Float] {
        let h = configuration.hiddenSize
        var mean = [Float](repeating: 0, count: h)
        for r in 0 ..< rows {
            for i in 0 ..< h { mean[i] += hidden[r * h + i] }
        }
        let length = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let scale = length > 0 ? 1 / length : 0
        return mean.map { $0 * scale }
    }
}
