import CKernels
import Foundation
import Testing
@testable import Decoder

/// Q5_0 and Q5_1 (the types Qwen2.5 Q4_K_M files use for rows that are not a multiple of
/// 256) on blocks made by gguf-py's quantizer, and in products next to types that have int8
/// kernels (which Q5_0/Q5_1 have not). Hand-packed blocks are in `DequantizeTests`; the
/// whole Q5 model against llama.cpp is in `Qwen2ReferenceTests`.
@Suite("Q5_0 and Q5_1")
struct Q5TypesTests {
    static let model = "qwen2-tiny-q5.gguf"

    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { bytes in
            (0 ..< data.count / 4).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    /// How far decoding may land from the value gguf-py quantized, for a 32-element block
    /// whose values reach `maxAbs` and span `minimum ... maximum`: a step of the block's scale
    /// (half a step of rounding, or a whole one where the top value is clipped), plus the f16
    /// rounding of the scale and minimum.
    static func quantizationBound(_ type: GGMLType, maxAbs: Float, minimum: Float, maximum: Float) -> Float {
        let step = type == .q5_0 ? maxAbs / 16 : (maximum - minimum) / 31
        return step * 1.02 + maxAbs / 1024
    }

    @Test("tensors gguf-py quantized decode to exactly gguf-py's dequantization, within a step of the original values")
    func againstGGUFPy() throws {
        try Qwen2ReferenceTests.withModels(dequantized: true) { folder in
            let file = try GGUFFile(path: folder.appendingPathComponent(Self.model).path)
            var checked: [GGMLType: Int] = [:]
            for info in file.tensors {
                let referenceURL = folder.appendingPathComponent("\(info.name).gguf-py.f32")
                guard FileManager.default.fileExists(atPath: referenceURL.path) else { continue }
                let reference = try Self.floats(referenceURL)
                let source = try Self.floats(folder.appendingPathComponent("\(info.name).source.f32"))
                let matrix = WeightMatrix(file: file, tensor: info)
                try #require(reference.count == matrix.rows * matrix.columns && source.count == reference.count, "\(info.name)")
                var differing = 0, outOfBound = 0
                for r in 0 ..< matrix.rows {
                    let row = matrix.dequantizeRow(r)
                    let offset = r * matrix.columns
                    for c in 0 ..< matrix.columns where row[c].bitPattern != reference[offset + c].bitPattern {
                        if differing == 0 { Issue.record("\(info.name) [\(r)][\(c)]: \(row[c]), gguf-py \(reference[offset + c])") }
                        differing += 1
                    }
                    guard info.type == .q5_0 || info.type == .q5_1 else { continue }
                    for start in stride(from: 0, to: matrix.columns, by: 32) {
                        let block = source[offset + start ..< offset + start + 32]
                        let bound = Self.quantizationBound(info.type, maxAbs: block.map(abs).max()!,
                                                           minimum: block.min()!, maximum: block.max()!)
                        outOfBound += (0 ..< 32).filter { abs(row[start + $0] - block[offset + start + $0]) > bound }.count
                    }
                }
                #expect(differing == 0, "\(info.name) (\(info.type)): \(differing) values differ from gguf-py's")
                #expect(outOfBound == 0, "\(info.name) (\(info.type)): \(outOfBound) values farther than a step from the original")
                checked[info.type, default: 0] += 1
            }
            // The script's Q5_TYPES: six Q5_0 and five Q5_1 tensors, and one of each kernel type.
            #expect(checked == [.q5_0: 6, .q5_1: 5, .q8_0: 1, .q4_0: 1, .q4_1: 1])
        }
    }

    /// Runs one product per matrix on the same input, all in one `MatrixProduct.run`.
    static func run(_ matrices: [WeightMatrix], _ x: [Float], vectors: Int, precision: ActivationPrecision) -> [[Float]] {
        let outputs = matrices.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: $0.rows * vectors) }
        defer { outputs.forEach { $0.deallocate() } }
        x.withUnsafeBufferPointer { input in
            let products = zip(matrices, outputs).map { MatrixProduct(matrix: $0, input: input.baseAddress!, output: $1.baseAddress!) }
            MatrixProduct.run(products, vectors: vectors, precision: precision)
        }
        return outputs.map(Array.init)
    }

    /// The largest |product − exact decode-then-dot| over all outputs, relative to the
    /// largest exact output + 1.
    static func relativeError(_ matrices: [WeightMatrix], _ x: [Float], _ y: [[Float]], vectors: Int) -> Double {
        var worst = 0.0
        for (matrix, output) in zip(matrices, y) {
            let decoded = (0 ..< matrix.rows).map { matrix.dequantizeRow($0) }
            for v in 0 ..< vectors {
                let input = x[v * matrix.columns ..< (v + 1) * matrix.columns]
                let exact = decoded.map { row in zip(row, input).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
                let scale = exact.map(abs).max()! + 1
                for r in 0 ..< matrix.rows { worst = max(worst, abs(Double(output[v * matrix.rows + r]) - exact[r]) / scale) }
            }
        }
        return worst
    }

    @Test("int8 products mixing kernel types (Q5_0, Q5_1 among them) with F16/BF16 run each matrix on its own path")
    func mixedProducts() throws {
        var random = SeededTestRandom(seed: 501)
        let columns = 512, rows = 40
        let types: [GGMLType] = [.q4_0, .q5_0, .f16, .q8_0, .q5_1, .bf16, .q4_1]
        var builder = GGUFBuilder()
        builder.tensors = types.map { type in
            .init(name: "\(type)", dimensions: [UInt64(columns), UInt64(rows)], typeCode: type.rawValue,
                  data: RandomTensor.bytes(type: type, rows: rows, columns: columns, using: &random))
        }
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: builder.write(to: directory.url))
        let matrices = try types.map { WeightMatrix(file: file, tensor: try #require(file.tensor(named: "\($0)"))) }
        for vectors in [1, 2, MatrixProduct.batchedThreshold + 1] {
            let x = (0 ..< columns * vectors).map { _ in Float.random(in: -2 ... 2, using: &random) }
            let outputs = Self.run(matrices, x, vectors: vectors, precision: .int8)
            for (matrix, output) in zip(matrices, outputs) {
                let error = Self.relativeError([matrix], x, [output], vectors: vectors)
                if lw_has_kernel(matrix.type.rawValue) != 0 {
                    // int8 activations: visibly inexact, within their quantization error.
                    #expect(error > 1e-4 && error < 0.02, "\(vectors) vectors, \(matrix.type): int8 kernel off by \(error)")
                } else {
                    #expect(error <= 1e-5, "\(vectors) vectors, \(matrix.type): float path off by \(error)")
                }
            }
        }
    }

    @Test("the Q5 model at the default int8 precision stays within Q8 tolerances of llama.cpp's exact logits")
    func int8Precision() throws {
        try Qwen2ReferenceTests.withModels { folder in
            let model = try LlamaModel(path: folder.appendingPathComponent(Self.model).path)
            #expect(model.precision == .int8)
            for prompt in try Qwen2ReferenceTests.prompts(of: Self.model) {
                let logits = try model.forward(tokens: prompt.tokens, cache: model.makeCache(capacity: 256))
                let difference = Qwen2ReferenceTests.maxDifference(logits, prompt.last_logits)
                // The reference is llama.cpp on the dequantized F32 file; the Q5 tensors now take
                // the int8 kernels (observed 0.16–0.20, as the K-quant file's 0.17; the float
                // path gives 0.004, the f16 KV cache alone), so the int8 bound of 3.0 applies
                // (ReferenceTests), and above 0.02 shows the kernels ran.
                #expect(difference <= 1.0 && difference > 0.02, "\(prompt.name): last position differs by \(difference)")
            }
        }
    }
}
