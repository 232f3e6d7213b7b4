import CKernels

/// Input vectors quantized to 8-bit blocks (`lw_q8_block`: 32 int8 values with a scale) for
/// the integer kernels of Q4_0, Q4_1 and Q8_0 weights.
final class QuantizedVectors {
    /// Blocks per vector (`columns / 32`).
    let blocksPerVector: Int
    let blocks: UnsafeMutablePointer<lw_q8_block>

    /// Quantizes `vectors` rows of `columns` floats (a multiple of 32) stored one after another at `x`.
    init(_ x: UnsafePointer<Float>, vectors: Int, columns: Int) {
        blocksPerVector = columns / 32
        blocks = .allocate(capacity: max(1, vectors * blocksPerVector))
        lw_quantize_q8(x, Int64(vectors * columns), blocks)
    }

    deinit { blocks.deallocate() }
}
