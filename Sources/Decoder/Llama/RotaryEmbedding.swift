import Foundation

/// Rotary position embedding (RoPE) as llama.cpp applies it to the `llama` architecture
/// ("normal" mode): within each head, dimensions (2i, 2i+1) for 2i < `dimensionCount` form a
/// pair rotated by the angle position · base^(−2i / dimensionCount). (GGUF conversion permutes
/// the Q/K weight rows so that this adjacent pairing matches the original model's halves.)
struct RotaryEmbedding {
    let dimensionCount: Int
    let headDimension: Int
    /// base^(−2i / dimensionCount) for each pair i.
    private let inverseFrequencies: [Double]

    init(dimensionCount: Int, headDimension: Int, base: Float) {
        self.dimensionCount = dimensionCount
        self.headDimension = headDimension
        inverseFrequencies = (0 ..< dimensionCount / 2).map { i in
            pow(Double(base), -2 * Double(i) / Double(dimensionCount))
        }
    }

    /// Rotates every head of `query` (`queryHeads` heads) and `key` (`keyHeads` heads) for `position`.
    func apply(query: UnsafeMutablePointer<Float>, queryHeads: Int,
               key: UnsafeMutablePointer<Float>, keyHeads: Int, position: Int) {
        let pairs = dimensionCount / 2
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
                        let x0 = base[2 * i], x1 = base[2 * i + 1]
                        base[2 * i] = x0 * cosine - x1 * sine
                        base[2 * i + 1] = x0 * sine + x1 * cosine
                    }
                }
            }
            rotate(query, heads: queryHeads)
            rotate(key, heads: keyHeads)
        }
    }
}
