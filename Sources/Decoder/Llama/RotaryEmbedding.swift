import Foundation

/// Rotary position embedding (RoPE) as llama.cpp applies it: within each head, the first
/// `dimensionCount` dimensions form `dimensionCount / 2` pairs, pair i rotated by the angle
/// position · base^(−2i / dimensionCount); the remaining dimensions pass unchanged.
///
/// Architectures differ in which dimensions make a pair (`Pairing`): `llama` rotates adjacent
/// dimensions (GGUF conversion permutes its Q/K weight rows to match), `qwen2` rotates
/// dimension i with dimension i + `dimensionCount / 2` (llama.cpp's "NEOX" mode).
struct RotaryEmbedding {
    /// Which two dimensions of a head are rotated together.
    enum Pairing: Sendable, Equatable {
        /// Pair i is (2i, 2i + 1) — llama.cpp's "normal" mode.
        case adjacent
        /// Pair i is (i, i + dimensionCount / 2) — llama.cpp's "NEOX" mode.
        case halves
    }

    let dimensionCount: Int
    let headDimension: Int
    let pairing: Pairing
    /// base^(−2i / dimensionCount) for each pair i.
    private let inverseFrequencies: [Double]

    init(dimensionCount: Int, headDimension: Int, base: Float, pairing: Pairing) {
        self.dimensionCount = dimensionCount
        self.headDimension = headDimension
        self.pairing = pairing
        inverseFrequencies = (0 ..< dimensionCount / 2).map { i in
            pow(Double(base), -2 * Double(i) / Double(dimensionCount))
        }
    }

    /// Rotates every head of `query` (`queryHeads` heads) and `key` (`keyHeads` heads) for `position`.
    func apply(query: UnsafeMutablePointer<Float>, queryHeads: Int,
               key: UnsafeMutablePointer<Float>, keyHeads: Int, position: Int) {
        let pairs = dimensionCount / 2
        // Offsets of a pair's two dimensions: (first · i, first · i + second).
        let (first, second) = pairing == .adjacent ? (2, 1) : (1, pairs)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * pairs) { table in
            for i in 0 ..< pairs {
                let angle = Double(position) * inverseFrequencies[i]
                table[2 * i] = Float(cos(angle))
                table[2 * i + 1] = Float(sin(angle))
            }
            func rotate(_ vector: UnsafeMutablePointer<Float>, heads: Int) {
                for head in 0 ..< heads {
                    let base = vector + head * headDimension
                    for i in 0 ..< pairs {
                        let cosine = table[2 * i], sine = table[2 * i + 1]
                        let j = first * i, k = first * i + second
                        let x0 = base[j], x1 = base[k]
                        base[j] = x0 * cosine - x1 * sine
                        base[k] = x0 * sine + x1 * cosine
                    }
                }
            }
            rotate(query, heads: queryHeads)
            rotate(key, heads: keyHeads)
        }
    }
}
