import CKernels
import Foundation
import Testing
@testable import Decoder

/// The int8 kernels (activations quantized to 8-bit blocks) on every instruction set this
/// processor has, against exact arithmetic on the same quantized activations.
@Suite("Int8 matrix kernels", .serialized)
struct QuantizedKernelTests {
    static let kernelTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]
    /// Row lengths per type: for 32-element blocks an even number of blocks (the AVX-512 kernel
    /// takes them in pairs) and an odd one; K-quants come in super-blocks of 256.
    static let cases: [(GGMLType, Int)] = kernelTypes.flatMap { type in
        (type.blockSize == 256 ? [256, 768] : [320, 288]).map { (type, $0) }
    }
    static let instructionSets = ["portable", "avx2", "avx512-vnni"]

    /// The activations as the kernels see them: each 32-block rounded to int8 · scale.
    static func quantizedActivations(_ x: [Float], columns: Int) -> [Double] {
        var blocks = [lw_q8_block](repeating: lw_q8_block(), count: x.count / 32)
        x.withUnsafeBufferPointer { lw_quantize_q8($0.baseAddress!, Int64(x.count), &blocks) }
        return blocks.flatMap { block in
            withUnsafeBytes(of: block.q) { bytes in bytes.map { Double(Int8(bitPattern: $0)) * Double(block.d) } }
        }
    }

    /// Runs `body` with each available instruction set selected for this thread (other tests
    /// running meanwhile keep the default), then restores the default.
    static func forEachInstructionSet(_ body: (String) throws -> Void) rethrows {
        let original = String(cString: lw_kernel_isa())
        defer { _ = lw_set_kernel_isa(original) }
        for isa in instructionSets where lw_set_kernel_isa(isa) != 0 {
            try body(isa)
        }
    }

    /// The int8 product computed by the C kernel on the calling thread (not the pool's workers,
    /// which do not see this thread's instruction-set choice).
    static func productOnThisThread(_ matrix: WeightMatrix, _ x: [Float], vectors: Int) -> [Float] {
        var y = [Float](repeating: .nan, count: matrix.rows * vectors)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                let quantized = QuantizedVectors(input.baseAddress!, vectors: vectors, columns: matrix.columns)
                var product = MatrixProduct(matrix: matrix, input: input.baseAddress!, output: output.baseAddress!)
                    .kernelProduct(input: quantized)
                withExtendedLifetime(quantized) { lw_product_rows(&product, 0, Int64(matrix.rows), Int64(vectors)) }
            }
        }
        return y
    }

    @Test("quantizing to 8-bit blocks keeps each value within half a step, and s = d·Σq")
    func quantization() {
        var random = SeededTestRandom(seed: 5)
        let x = (0 ..< 256).map { i in i == 7 ? 0 : Float.random(in: -30 ... 30, using: &random) } + [Float](repeating: 0, count: 32)
        var blocks = [lw_q8_block](repeating: lw_q8_block(), count: x.count / 32)
        lw_quantize_q8(x, Int64(x.count), &blocks)
        for (b, block) in blocks.enumerated() {
            let q = withUnsafeBytes(of: block.q) { $0.map { Int(Int8(bitPattern: $0)) } }
            #expect(abs(block.s - block.d * Float(q.reduce(0, +))) <= 1e-3 * (abs(block.s) + 1))
            for i in 0 ..< 32 {
                #expect(abs(Float(q[i]) * block.d - x[32 * b + i]) <= block.d / 2 + 1e-6, "block \(b) element \(i)")
            }
        }
        #expect(blocks.last!.d == 0 && blocks.last!.s == 0, "an all-zero block has scale 0")
    }

    @Test("each instruction set equals exact arithmetic on the quantized activations, 1–9 vectors",
          arguments: cases)
    func matchesExactArithmetic(type: GGMLType, columns: Int) throws {
        var random = SeededTestRandom(seed: UInt64(type.rawValue) + 11)
        let rows = 37
        var builder = GGUFBuilder()
        builder.tensors = [.init(name: "w", dimensions: [UInt64(columns), UInt64(rows)], typeCode: type.rawValue,
                                 data: RandomTensor.bytes(type: type, rows: rows, columns: columns, using: &random))]
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: builder.write(to: directory.url))
        let matrix = WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")))
        var tested: [String] = []
        try Self.forEachInstructionSet { isa in
            tested.append(isa)
            for vectors in 1 ... 9 {
                let x = (0 ..< columns * vectors).map { _ in Float.random(in: -3 ... 3, using: &random) }
                let y = Self.productOnThisThread(matrix, x, vectors: vectors)
                for v in 0 ..< vectors {
                    let q = Self.quantizedActivations(Array(x[v * columns ..< (v + 1) * columns]), columns: columns)
                    for r in 0 ..< rows {
                        let terms = zip(matrix.dequantizeRow(r), q).map { Double($0.0) * $0.1 }
                        let expected = terms.reduce(0, +)
                        // f32 rounding grows with the terms, which cancel (Q6_K's random scales reach ±128):
                        // one wrong element moves the sum by about Σ|terms| / columns, far above 1e-6 of it.
                        let magnitude = terms.reduce(0) { $0 + abs($1) }
                        #expect(abs(Double(y[v * rows + r]) - expected) <= 1e-4 * (abs(expected) + 1) + 1e-6 * magnitude,
                                "\(isa) \(type) vectors \(vectors) [\(v)][\(r)]")
                    }
                }
            }
        }
        #expect(tested.contains("portable"))
    }

    @Test("int8 products of every kernel type stay within the quantization error of dequantize-then-dot",
          arguments: kernelTypes)
    func closeToDequantizedProduct(type: GGMLType) throws {
        var random = SeededTestRandom(seed: UInt64(type.rawValue) + 29)
        let rows = 24, columns = 512
        var builder = GGUFBuilder()
        builder.tensors = [.init(name: "w", dimensions: [UInt64(columns), UInt64(rows)], typeCode: type.rawValue,
                                 data: RandomTensor.bytes(type: type, rows: rows, columns: columns, using: &random))]
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: builder.write(to: directory.url))
        let matrix = WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")))
        let x = (0 ..< columns * 5).map { _ in Float.random(in: -1 ... 1, using: &random) }
        let exact = MatrixProductTests.run(matrix, x, vectors: 5, precision: .float)
        let fast = MatrixProductTests.run(matrix, x, vectors: 5, precision: .int8)
        let scale = exact.map(abs).max()!
        let worst = zip(exact, fast).map { abs($0 - $1) }.max()!
        #expect(worst <= 0.02 * scale, "\(type): worst difference \(worst), largest output \(scale)")
        #expect(worst > 0, "\(type): the int8 path was not taken")
    }

    @Test("F16 and BF16 rows times f32 vectors equal decode-then-dot on every instruction set", arguments: [GGMLType.f16, .bf16])
    func halfRows(type: GGMLType) throws {
        var random = SeededTestRandom(seed: UInt64(type.rawValue) + 41)
        for count in [896, 1000, 37] {
            let row = RandomTensor.bytes(type: type, rows: 1, columns: count, using: &random)
            let x = (0 ..< count).map { _ in Float.random(in: -2 ... 2, using: &random) }
            let decoded = row.withUnsafeBytes { type.dequantize($0.baseAddress!, count: count) }
            let expected = zip(decoded, x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            try Self.forEachInstructionSet { isa in
                let dot = lw_dot_half(type.rawValue, row, x, Int64(count))
                #expect(abs(Double(dot) - expected) <= 1e-5 * (abs(expected) + 1), "\(isa) \(type) \(count)")
            }
        }
    }

    @Test("on the real model, int8 products stay within the quantization error of float ones")
    func realMatricesCloseToFloat() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        var random = SeededTestRandom(seed: 17)
        for name in ["blk.3.ffn_gate.weight", "blk.0.attn_output.weight", "token_embd.weight"] {
            let matrix = WeightMatrix(file: file, tensor: try #require(file.tensor(named: name)))
            let x = (0 ..< matrix.columns * 3).map { _ in Float.random(in: -1 ... 1, using: &random) }
            let exact = MatrixProductTests.run(matrix, x, vectors: 3, precision: .float)
            let fast = MatrixProductTests.run(matrix, x, vectors: 3, precision: .int8)
            let scale = exact.map(abs).max()!
            let worst = zip(exact, fast).map { abs($0 - $1) }.max()!
            // Each activation moves by at most 1/254 of its block's largest value.
            #expect(worst <= 0.02 * scale, "\(name): worst difference \(worst), largest output \(scale)")
            #expect(worst > 0, "\(name): the int8 path was not taken")
        }
    }

    @Test("the thread pool runs every task exactly once, also from several threads at once and nested")
    func poolRunsEveryTask() async {
        let pool = KernelPool.shared
        await withTaskGroup(of: Bool.self) { group in
            for caller in 0 ..< 4 {
                group.addTask {
                    var ok = true
                    for round in 0 ..< 200 {
                        let count = 1 + (round * 7 + caller) % 97
                        let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
                        hits.initialize(repeating: 0, count: count)
                        pool.parallel(count) { task in
                            hits[task] += 1
                            if task == 0 { pool.parallel(3) { _ in } }
                        }
                        ok = ok && (0 ..< count).allSatisfy { hits[$0] == 1 }
                        hits.deallocate()
                    }
                    return ok
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test("half-precision conversion rounds like Float16, on every instruction set")
    func halfConversion() throws {
        var random = SeededTestRandom(seed: 23)
        let x: [Float] = (0 ..< 4000).map { i in
            switch i % 5 {
            case 0: return Float.random(in: -70_000 ... 70_000, using: &random)
            case 1: return Float.random(in: -1e-6 ... 1e-6, using: &random)
            default: return Float.random(in: -4 ... 4, using: &random)
            }
        } + [0, -0, .infinity, -.infinity, 65_520, 6e-8, 3e-8]
        try Self.forEachInstructionSet { isa in
            var out = [UInt16](repeating: 0, count: x.count)
            lw_f32_to_f16(x, &out, Int64(x.count))
            for (value, half) in zip(x, out) {
                #expect(half == Float16(value).bitPattern, "\(isa): \(value) → \(String(half, radix: 16))")
            }
        }
    }

    @Test("attention over a half-precision cache equals exact softmax attention, one head or a group", arguments: [64, 128])
    func attentionKernel(dimension: Int) throws {
        var random = SeededTestRandom(seed: UInt64(dimension))
        let stride = dimension * 3
        for positions in [1, 7, 8, 9, 100, 301] {
            let q = (0 ..< dimension).map { _ in Float.random(in: -2 ... 2, using: &random) }
            let keys = (0 ..< positions * stride).map { _ in Float16(Float.random(in: -2 ... 2, using: &random)) }
            let values = (0 ..< positions * stride).map { _ in Float16(Float.random(in: -3 ... 3, using: &random)) }
            let offset = dimension  // the second of three heads sharing each position's row
            let scale = 1 / Float(dimension).squareRoot()
            let scores = (0 ..< positions).map { p in
                (0 ..< dimension).reduce(0.0) { $0 + Double(q[$1]) * Double(Float(keys[p * stride + offset + $1])) } * Double(scale)
            }
            let top = scores.max()!
            let weights = scores.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            let expected = (0 ..< dimension).map { i in
                (0 ..< positions).reduce(0.0) { $0 + weights[$1] / total * Double(Float(values[$1 * stride + offset + i])) }
            }
            try Self.forEachInstructionSet { isa in
                var out = [Float](repeating: .nan, count: dimension)
                var scratch = [Float](repeating: 0, count: positions)
                keys.withUnsafeBufferPointer { k in
                    values.withUnsafeBufferPointer { v in
                        let kp = UnsafeRawPointer(k.baseAddress!).assumingMemoryBound(to: UInt16.self)
                        let vp = UnsafeRawPointer(v.baseAddress!).assumingMemoryBound(to: UInt16.self)
                        lw_attend_f16(q, kp + offset, vp + offset, Int64(stride), Int64(positions), Int64(dimension), scale,
                                      &scratch, &out)
                    }
                }
                for i in 0 ..< dimension {
                    #expect(abs(Double(out[i]) - expected[i]) <= 1e-5 * (abs(expected[i]) + 1), "\(isa) positions \(positions) [\(i)]")
                }
            }
        }
    }

    @Test("grouped heads equal one head at a time (1–7 query heads, 64 and 128 dimensions)")
    func groupedAttention() throws {
        var random = SeededTestRandom(seed: 77)
        for dimension in [64, 128] {
            for heads in 1 ... 7 {
                let positions = 37 + heads * 11
                let stride = dimension * 2
                let q = (0 ..< heads * dimension).map { _ in Float.random(in: -2 ... 2, using: &random) }
                let keys = (0 ..< positions * stride).map { _ in Float16(Float.random(in: -2 ... 2, using: &random)) }
                let values = (0 ..< positions * stride).map { _ in Float16(Float.random(in: -3 ... 3, using: &random)) }
                let scale = 1 / Float(dimension).squareRoot()
                try Self.forEachInstructionSet { isa in
                    var grouped = [Float](repeating: .nan, count: heads * dimension)
                    var single = [Float](repeating: .nan, count: heads * dimension)
                    var scratch = [Float](repeating: 0, count: heads * positions)
                    keys.withUnsafeBufferPointer { k in
                        values.withUnsafeBufferPointer { v in
                            let kp = UnsafeRawPointer(k.baseAddress!).assumingMemoryBound(to: UInt16.self) + dimension
                            let vp = UnsafeRawPointer(v.baseAddress!).assumingMemoryBound(to: UInt16.self) + dimension
                            lw_attend_f16_heads(q, Int64(heads), Int64(dimension), kp, vp, Int64(stride), Int64(positions),
                                                Int64(dimension), scale, &scratch, &grouped, Int64(dimension))
                            for h in 0 ..< heads {
                                q.withUnsafeBufferPointer { qp in
                                    single.withUnsafeMutableBufferPointer { out in
                                        lw_attend_f16(qp.baseAddress! + h * dimension, kp, vp, Int64(stride), Int64(positions),
                                                      Int64(dimension), scale, &scratch, out.baseAddress! + h * dimension)
                                    }
                                }
                            }
                        }
                    }
                    let worst = zip(grouped, single).map { abs($0 - $1) }.max()!
                    #expect(worst <= 1e-5, "\(isa) dimension \(dimension) heads \(heads): \(worst)")
                }
            }
        }
    }
}
