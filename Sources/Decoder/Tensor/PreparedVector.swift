/// An input vector rearranged once per matrix product so the 32-element block kernels
/// (Q4_0, Q4_1, Q8_0) can multiply four lanes at a time with plain SIMD4 operations.
///
/// Those kernels read a block's 16 or 32 quant bytes as 32-bit lanes and pull out byte `k`
/// (or its high nibble) of every lane at once, which yields elements `k, 4+k, 8+k, 12+k` of a
/// 16-element half. `permuted` stores `x` in that order: within block `b`, group `g = 2k + h`
/// holds elements `32b + 16h + 4j + k` for lanes `j = 0…3` (`h` picks the half: high nibbles
/// for Q4, the second 16 bytes for Q8_0). `blockSums` holds Σx of each block, which the
/// offset terms of Q4_0 (−8) and Q4_1 (+m) multiply.
struct PreparedVector {
    let original: UnsafePointer<Float>
    /// Raw pointers into `storage`, so the kernels read them without retaining a class per row.
    let permuted: UnsafePointer<Float>
    let blockSums: UnsafePointer<Float>
    private let storage: FloatBuffer

    /// Prepares `x` (`count` floats); with `permute` false only `original` is usable.
    init(_ x: UnsafePointer<Float>, count: Int, permute: Bool) {
        original = x
        let blocks = permute ? count / 32 : 0
        storage = FloatBuffer(count: blocks * 33)
        let permuted = storage.pointer
        let blockSums = storage.pointer + blocks * 32
        for b in 0 ..< blocks {
            let source = x + 32 * b
            let target = permuted + 32 * b
            var sum: Float = 0
            for half in 0 ..< 2 {
                for k in 0 ..< 4 {
                    for j in 0 ..< 4 {
                        let value = source[16 * half + 4 * j + k]
                        target[4 * (2 * k + half) + j] = value
                        sum += value
                    }
                }
            }
            blockSums[b] = sum
        }
        self.permuted = UnsafePointer(permuted)
        self.blockSums = UnsafePointer(blockSums)
    }
}
