import CBLAS
import CKernels

/// Grouped-query self-attention: `headCount` query heads share `headCountKV` key/value heads.
/// The query/key/value projections may have biases (`qwen2` has them, `llama` does not).
struct Attention {
    let query: WeightMatrix
    let key: WeightMatrix
    let value: WeightMatrix
    let output: WeightMatrix
    var queryBias: [Float]? = nil
    var keyBias: [Float]? = nil
    var valueBias: [Float]? = nil
}

/// The SwiGLU MLP: `down(silu(gate(x)) ⊙ up(x))`.
struct FeedForward {
    let gate: WeightMatrix
    let up: WeightMatrix
    let down: WeightMatrix
}

/// Where one row of a forward step belongs: its sequence's cache and its position there.
/// Rows of several sequences run through the matrix products together (a batch); each row
/// attends only to its own sequence's cache.
struct RowPlacement {
    let cache: KVCache
    let position: Int
}

/// One pre-norm transformer block:
/// `h = x + attention(rmsnorm(x))`, `out = h + feedForward(rmsnorm(h))`.
struct TransformerBlock {
    let attentionNorm: [Float]
    let attention: Attention
    let feedForwardNorm: [Float]
    let feedForward: FeedForward

    /// Runs the block on the rows of `buffers.hidden` (one per entry of `rows`), writing each
    /// row's key and value into its cache at `layer`.
    func forward(_ buffers: ForwardBuffers, rows: [RowPlacement], layer: Int,
                 configuration c: LlamaConfiguration, rope: RotaryEmbedding, precision: ActivationPrecision) {
        let tokens = rows.count
        let width = c.embeddingLength
        normalize(buffers, tokens: tokens, weight: attentionNorm, epsilon: c.rmsNormEpsilon, width: width)
        let input = UnsafePointer(buffers.normalized.pointer)
        MatrixProduct.run([
            MatrixProduct(matrix: attention.query, input: input, output: buffers.query.pointer),
            MatrixProduct(matrix: attention.key, input: input, output: buffers.key.pointer),
            MatrixProduct(matrix: attention.value, input: input, output: buffers.value.pointer),
        ], vectors: tokens, precision: precision)
        addBias(attention.queryBias, to: buffers.query, tokens: tokens)
        addBias(attention.keyBias, to: buffers.key, tokens: tokens)
        addBias(attention.valueBias, to: buffers.value, tokens: tokens)

        for (t, row) in rows.enumerated() {
            let query = buffers.query[offset: t * c.queryWidth]
            let key = buffers.key[offset: t * c.keyValueWidth]
            rope.apply(query: query, queryHeads: c.headCount, key: key, keyHeads: c.headCountKV, position: row.position)
            row.cache.store(layer: layer, position: row.position, key: key, value: buffers.value[offset: t * c.keyValueWidth])
        }
        attend(buffers, rows: rows, layer: layer, configuration: c)

        MatrixProduct.run([MatrixProduct(matrix: attention.output, input: buffers.attended.pointer,
                                         output: buffers.projected.pointer)], vectors: tokens, precision: precision)
        VectorMath.add(buffers.projected.pointer, to: buffers.hidden.pointer, count: tokens * width)

        normalize(buffers, tokens: tokens, weight: feedForwardNorm, epsilon: c.rmsNormEpsilon, width: width)
        MatrixProduct.run([
            MatrixProduct(matrix: feedForward.gate, input: buffers.normalized.pointer, output: buffers.gate.pointer),
            MatrixProduct(matrix: feedForward.up, input: buffers.normalized.pointer, output: buffers.up.pointer),
        ], vectors: tokens, precision: precision)
        VectorMath.swiGLU(gate: buffers.gate.pointer, up: buffers.up.pointer, count: tokens * c.feedForwardLength)
        MatrixProduct.run([MatrixProduct(matrix: feedForward.down, input: buffers.gate.pointer,
                                         output: buffers.projected.pointer)], vectors: tokens, precision: precision)
        VectorMath.add(buffers.projected.pointer, to: buffers.hidden.pointer, count: tokens * width)
    }

    /// Adds `bias` (when there is one) to each of the `tokens` rows of `buffer`.
    private func addBias(_ bias: [Float]?, to buffer: FloatBuffer, tokens: Int) {
        bias?.withUnsafeBufferPointer { bias in
            for t in 0 ..< tokens {
                VectorMath.add(bias.baseAddress!, to: buffer[offset: t * bias.count], count: bias.count)
            }
        }
    }

    private func normalize(_ buffers: ForwardBuffers, tokens: Int, weight: [Float], epsilon: Float, width: Int) {
        weight.withUnsafeBufferPointer { weight in
            for t in 0 ..< tokens {
                VectorMath.rmsNorm(buffers.hidden[offset: t * width], weight: weight.baseAddress!, epsilon: epsilon,
                                   count: width, into: buffers.normalized[offset: t * width])
            }
        }
    }

    /// Causal scaled dot-product attention of each row's query heads over its own cache's
    /// keys/values of positions `0 ... position`, into `buffers.attended`.
    ///
    /// Per head: scores = K·q / √d and output = Vᵀ·softmax(scores). On a half-precision cache
    /// a C kernel takes the query heads that share a key/value head together, reading and
    /// converting each cached row once for all of them; on a `Float` cache each head is two
    /// OpenBLAS sgemv calls over the strided rows.
    private func attend(_ buffers: ForwardBuffers, rows: [RowPlacement], layer: Int, configuration c: LlamaConfiguration) {
        let plan = AttentionPlan(rows: rows, configuration: c)
        if rows.allSatisfy({ $0.cache.halfPrecision }) {
            attendHalf(buffers, rows: rows, layer: layer, configuration: c, plan: plan)
        } else {
            attendFloat(buffers, rows: rows, layer: layer, configuration: c, plan: plan)
        }
    }

    /// One task per slice of (row, key/value head, range of positions); a row whose cache was
    /// cut into several slices (few rows at depth: flash-decoding) has them merged after.
    private func attendHalf(_ buffers: ForwardBuffers, rows: [RowPlacement], layer: Int, configuration c: LlamaConfiguration,
                            plan: AttentionPlan) {
        let headDimension = c.headDimension
        let groupSize = c.headCount / c.headCountKV
        let scale = 1 / Float(headDimension).squareRoot()
        let stride = Int64(c.keyValueWidth)
        // Slice i's sums at accumulators + i·groupSize·headDimension, its maxima and totals at
        // i·groupSize: a split's slices are consecutive, the layout `lw_attend_merge` reads.
        let accumulators = FloatBuffer(count: max(1, plan.partialSlices * groupSize * headDimension))
        let maxima = FloatBuffer(count: max(1, plan.partialSlices * groupSize))
        let totals = FloatBuffer(count: max(1, plan.partialSlices * groupSize))
        let work = { (task: Int) in
            let slice = plan.slices[task]
            let row = rows[slice.row]
            let firstHead = slice.group * groupSize
            let query = buffers.query[offset: slice.row * c.queryWidth + firstHead * headDimension]
            let keyValueOffset = slice.group * headDimension + slice.positions.lowerBound * c.keyValueWidth
            let keys = row.cache.halfKey(layer: layer, position: 0) + keyValueOffset
            let values = row.cache.halfValue(layer: layer, position: 0) + keyValueOffset
            let count = Int64(slice.positions.count)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: slice.positions.count * groupSize) { scores in
                if let i = slice.partial {
                    lw_attend_f16_partial(query, Int64(groupSize), Int64(headDimension), keys, values, stride, count,
                                          Int64(headDimension), scale, scores.baseAddress!,
                                          accumulators[offset: i * groupSize * headDimension], Int64(headDimension),
                                          maxima[offset: i * groupSize], totals[offset: i * groupSize])
                } else {
                    lw_attend_f16_heads(query, Int64(groupSize), Int64(headDimension), keys, values, stride, count,
                                        Int64(headDimension), scale, scores.baseAddress!,
                                        buffers.attended[offset: slice.row * c.queryWidth + firstHead * headDimension],
                                        Int64(headDimension))
                }
            }
        }
        run(plan.slices.count, work, multiplyAdds: plan.multiplyAdds)
        for merge in plan.merges {
            let i = merge.firstPartial
            lw_attend_merge(Int64(merge.parts), Int64(groupSize), Int64(headDimension),
                            accumulators[offset: i * groupSize * headDimension], maxima[offset: i * groupSize],
                            totals[offset: i * groupSize],
                            buffers.attended[offset: merge.row * c.queryWidth + merge.group * groupSize * headDimension],
                            Int64(headDimension))
        }
    }

    /// The exact path: per task one row and one query head (few rows) or a key/value head's group.
    private func attendFloat(_ buffers: ForwardBuffers, rows: [RowPlacement], layer: Int, configuration c: LlamaConfiguration,
                             plan: AttentionPlan) {
        BLASThreads.singleThreaded
        let headDimension = c.headDimension
        let groupSize = c.headCount / c.headCountKV
        let scale = 1 / Float(headDimension).squareRoot()
        let stride = Int32(c.keyValueWidth)
        let split = rows.count * c.headCountKV < 4 * KernelPool.shared.threads
        let headsPerTask = split ? 1 : groupSize
        let tasksPerRow = c.headCount / headsPerTask
        let work = { (task: Int) in
            let t = task / tasksPerRow
            let firstHead = (task % tasksPerRow) * headsPerTask
            let group = firstHead / groupSize
            let row = rows[t]
            let positions = row.position + 1
            let query = buffers.query[offset: t * c.queryWidth + firstHead * headDimension]
            let output = buffers.attended[offset: t * c.queryWidth + firstHead * headDimension]
            let keys = row.cache.key(layer: layer, position: 0) + group * headDimension
            let values = row.cache.value(layer: layer, position: 0) + group * headDimension
            withUnsafeTemporaryAllocation(of: Float.self, capacity: positions) { buffer in
                let scores = buffer.baseAddress!
                for h in 0 ..< headsPerTask {
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(positions), Int32(headDimension),
                                scale, keys, stride, query + h * headDimension, 1, 0, scores, 1)
                    VectorMath.softmax(scores, count: positions)
                    cblas_sgemv(CblasRowMajor, CblasTrans, Int32(positions), Int32(headDimension),
                                1, values, stride, scores, 1, 0, output + h * headDimension, 1)
                }
            }
        }
        run(rows.count * tasksPerRow, work, multiplyAdds: plan.multiplyAdds)
    }

    /// Runs `tasks` on the pool once the scores and weighted sums outweigh the hand-off, else here.
    private func run(_ tasks: Int, _ work: (Int) -> Void, multiplyAdds: Int) {
        if multiplyAdds < 20_000 {
            for task in 0 ..< tasks { work(task) }
        } else {
            KernelPool.shared.parallel(tasks, work)
        }
    }
}
