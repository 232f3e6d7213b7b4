import CKernels

/// Input vectors quantized to 8-bit blocks (`lw_q8_block`: 32 int8 values with a scale) for
/// the integer kernels (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K weights); when the selected kernels read two
/// blocks at a time (AVX-512), also laid out as block pairs.
final class QuantizedVectors {
    /// Blocks per vector (`columns / 32`).
    let blocksPerVector: Int
    let blocks: UnsafeMutablePointer<lw_q8_block>
    /// The same vectors as pairs of blocks (`blocksPerVector / 2` per vector), or nil.
    let pairs: UnsafeMutablePointer<lw_q8_pair>?

    /// Quantizes `vectors` rows of `columns` floats (a multiple of 32) stored one after another at `x`.
    init(_ x: UnsafePointer<Float>, vectors: Int, columns: Int) {
        blocksPerVector = columns / 32
        blocks = .allocate(capacity: max(1, vectors * blocksPerVector))
        lw_quantize_q8(x, Int64(vectors * columns), blocks)
        if lw_uses_pairs() != 0 && blocksPerVector % 2 == 0 {
            let count = vectors * blocksPerVector / 2
            let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<lw_q8_pair>.stride, alignment: 64)
            let pairs = raw.bindMemory(to: lw_q8_pair.self, capacity: max(1, count))
            lw_pack_pairs(blocks, Int64(vectors * blocksPerVector), pairs)
            self.pairs = pairs
        } else {
            pairs = nil
        }
    }

    /// Pairs between consecutive vectors.
    var pairsPerVector: Int { blocksPerVector / 2 }

    deinit {
        blocks.deallocate()
        pairs.map { UnsafeMutableRawPointer($0).deallocate() }
    }
}
