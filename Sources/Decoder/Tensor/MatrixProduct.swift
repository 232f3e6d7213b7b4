import Dispatch

/// One matrix–vector product of a forward step: `output[v][r] = matrix.row(r) · input[v]`
/// for each of `vectors` input vectors (rows of `columns` floats, stored one after another)
/// and each matrix row `r` (outputs stored `matrix.rows` apart).
struct MatrixProduct {
    let matrix: WeightMatrix
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>

    /// Runs `products` (which may use different matrices) together, their rows split into
    /// chunks spread over the cores, so a step such as Q/K/V pays for one dispatch.
    ///
    /// With one vector each row is a fused dot product on the encoded blocks; with several,
    /// each row is decoded once into a stack buffer and dotted with every vector.
    static func run(_ products: [MatrixProduct], vectors: Int) {
        var tasks: [(product: Int, rows: Range<Int>)] = []
        for (index, product) in products.enumerated() {
            // About 64K multiply-adds per task: small enough to balance two busy cores,
            // large enough that the dispatch cost stays in the noise.
            let rowsPerTask = max(1, 65_536 / max(1, product.matrix.columns * vectors))
            var start = 0
            while start < product.matrix.rows {
                let end = min(product.matrix.rows, start + rowsPerTask)
                tasks.append((index, start ..< end))
                start = end
            }
        }
        let work = { (taskIndex: Int) in
            let task = tasks[taskIndex]
            products[task.product].compute(rows: task.rows, vectors: vectors)
        }
        if tasks.count == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: tasks.count, execute: work)
        }
    }

    private func compute(rows: Range<Int>, vectors: Int) {
        let columns = matrix.columns
        let stride = matrix.rows
        if vectors == 1 {
            for r in rows { output[r] = matrix.dot(row: r, input) }
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: columns) { buffer in
            let decoded = buffer.baseAddress!
            for r in rows {
                matrix.type.dequantize(matrix.row(r), count: columns, into: decoded)
                for v in 0 ..< vectors {
                    output[v * stride + r] = VectorMath.dot(decoded, input + v * columns, count: columns)
                }
            }
        }
    }
}
