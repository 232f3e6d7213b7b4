import CBLAS
import CKernels

/// One matrix product of a forward step: `output[v][r] = matrix.row(r) · input[v]` for each
/// of `vectors` input vectors (rows of `matrix.columns` floats, stored one after another)
/// and each matrix row `r` (each vector's outputs stored `matrix.rows` apart).
struct MatrixProduct {
    let matrix: WeightMatrix
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>

    /// From this many vectors on, rows are decoded in tiles and multiplied with OpenBLAS
    /// `sgemm`; below it each row is a fused dot product per vector (a single sequence's
    /// decode step is memory-bound, and sgemm on a couple of vectors is slower).
    static let batchedThreshold = 4
    /// Matrix rows decoded per sgemm tile.
    static let tileRows = 64

    /// Runs `products` (which may use different matrices) together, their rows split into
    /// chunks spread over the cores, so a step such as Q/K/V pays for one dispatch.
    /// With `.int8`, the products whose weight type has an integer kernel (`lw_has_kernel`) run
    /// on it and the others (F32, F16, BF16 tensors of a mixed file) on the float paths.
    static func run(_ products: [MatrixProduct], vectors: Int, precision: ActivationPrecision = .int8) {
        guard precision == .int8 else { return runFloat(products, vectors: vectors) }
        let integer = products.filter { lw_has_kernel($0.matrix.type.rawValue) != 0 }
        if !integer.isEmpty { runQuantized(integer, vectors: vectors) }
        if integer.count < products.count {
            runFloat(products.filter { lw_has_kernel($0.matrix.type.rawValue) == 0 }, vectors: vectors)
        }
    }

    private static func runFloat(_ products: [MatrixProduct], vectors: Int) {
        if vectors >= batchedThreshold {
            runTiled(products, vectors: vectors)
        } else {
            runFused(products, vectors: vectors)
        }
    }

    /// The integer kernels: each distinct input quantized once to 8-bit blocks.
    private static func runQuantized(_ products: [MatrixProduct], vectors: Int) {
        var quantized: [UnsafePointer<Float>: QuantizedVectors] = [:]
        for product in products where quantized[product.input] == nil {
            quantized[product.input] = QuantizedVectors(product.input, vectors: vectors, columns: product.matrix.columns)
        }
        let kernelProducts = products.map { $0.kernelProduct(input: quantized[$0.input]!) }
        withExtendedLifetime(quantized) {
            lw_products_run(KernelPool.shared.pool, kernelProducts, Int64(kernelProducts.count), Int64(vectors))
        }
    }

    /// This product for the C kernels, reading `input` (this product's input, quantized).
    func kernelProduct(input: QuantizedVectors) -> lw_product {
        lw_product(weights: matrix.row(0).assumingMemoryBound(to: UInt8.self), row_bytes: matrix.type.rowBytes(matrix.columns),
                   type: matrix.type.rawValue, rows: Int64(matrix.rows), blocks: Int64(matrix.columns / 32),
                   input: input.blocks, input_stride: Int64(input.blocksPerVector),
                   output: output, output_stride: Int64(matrix.rows),
                   pairs: input.pairs, pair_stride: Int64(input.pairsPerVector))
    }

    private static func runFused(_ products: [MatrixProduct], vectors: Int) {
        // Each distinct input vector is prepared once, however many matrices read it.
        var prepared: [UnsafePointer<Float>: [PreparedVector]] = [:]
        for product in products where prepared[product.input] == nil {
            let permute = products.contains { $0.input == product.input && $0.matrix.type.usesPermutedInput }
            prepared[product.input] = (0 ..< vectors).map { v in
                PreparedVector(product.input + v * product.matrix.columns, count: product.matrix.columns, permute: permute)
            }
        }
        // About 64K multiply-adds per task: small enough to balance two busy cores,
        // large enough that the dispatch cost stays in the noise.
        let tasks = chunks(products, rowsPerTask: { max(1, 65_536 / max(1, $0.matrix.columns * vectors)) })
        parallel(tasks.count) { task in
            let (index, rows) = tasks[task]
            let product = products[index]
            let inputs = prepared[product.input]!
            for v in 0 ..< vectors {
                let output = product.output + v * product.matrix.rows
                for r in rows { output[r] = product.matrix.dot(row: r, inputs[v]) }
            }
        }
    }

    private static func runTiled(_ products: [MatrixProduct], vectors: Int) {
        BLASThreads.singleThreaded
        let tasks = chunks(products, rowsPerTask: { _ in tileRows })
        parallel(tasks.count) { task in
            let (index, rows) = tasks[task]
            let product = products[index]
            let matrix = product.matrix
            let tile = FloatBuffer(count: rows.count * matrix.columns)
            for (i, r) in rows.enumerated() {
                matrix.type.dequantize(matrix.row(r), count: matrix.columns, into: tile[offset: i * matrix.columns])
            }
            // output[v][rows] = input[v] · tileᵀ
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                        Int32(vectors), Int32(rows.count), Int32(matrix.columns),
                        1, product.input, Int32(matrix.columns),
                        tile.pointer, Int32(matrix.columns),
                        0, product.output + rows.lowerBound, Int32(matrix.rows))
        }
    }

    private static func chunks(_ products: [MatrixProduct], rowsPerTask: (MatrixProduct) -> Int) -> [(Int, Range<Int>)] {
        var tasks: [(Int, Range<Int>)] = []
        for (index, product) in products.enumerated() {
            let step = rowsPerTask(product)
            for start in stride(from: 0, to: product.matrix.rows, by: step) {
                tasks.append((index, start ..< min(product.matrix.rows, start + step)))
            }
        }
        return tasks
    }

    private static func parallel(_ count: Int, _ body: (Int) -> Void) {
        KernelPool.shared.parallel(count, body)
    }
}
