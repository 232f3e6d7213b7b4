import Foundation
import Testing
@testable import Decoder

@Suite("Matrix products on encoded blocks, float activations")
struct MatrixProductTests {
    /// Σ decoded · x in Double, the reference for every kernel.
    private static func referenceProduct(_ matrix: WeightMatrix, _ x: [Float]) -> [Double] {
        (0 ..< matrix.rows).map { r in
            zip(matrix.dequantizeRow(r), x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    static func run(_ matrix: WeightMatrix, _ x: [Float], vectors: Int, precision: ActivationPrecision = .float) -> [Float] {
        var y = [Float](repeating: .nan, count: matrix.rows * vectors)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                MatrixProduct.run([MatrixProduct(matrix: matrix, input: input.baseAddress!, output: output.baseAddress!)],
                                  vectors: vectors, precision: precision)
            }
        }
        return y
    }

    @Test("every type's kernel equals decode-then-dot, for one, two and five vectors (tiled sgemm)", arguments: GGMLType.allCases)
    func kernelsMatchDecoding(type: GGMLType) throws {
        var random = SeededTestRandom(seed: UInt64(type.rawValue) + 1)
        let columns = 512, rows = 40
        let data = RandomTensor.bytes(type: type, rows: rows, columns: columns, using: &random)
        var builder = GGUFBuilder()
        builder.tensors = [.init(name: "w", dimensions: [UInt64(columns), UInt64(rows)], typeCode: type.rawValue, data: data)]
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: builder.write(to: directory.url))
        let matrix = WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")))

        for vectors in [1, 2, MatrixProduct.batchedThreshold + 1] {
            let x = (0 ..< columns * vectors).map { _ in Float.random(in: -2 ... 2, using: &random) }
            let y = Self.run(matrix, x, vectors: vectors)
            for v in 0 ..< vectors {
                let expected = Self.referenceProduct(matrix, Array(x[v * columns ..< (v + 1) * columns]))
                let scale = expected.map(abs).max()! + 1
                for r in 0 ..< rows {
                    #expect(abs(Double(y[v * rows + r]) - expected[r]) <= 1e-5 * scale, "\(type) vectors \(vectors) [\(v)][\(r)]")
                }
            }
        }
    }

    @Test("a real Q4_1 projection and the Q8_0 embedding match decode-then-dot")
    func realMatrices() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        var random = SeededTestRandom(seed: 99)
        for name in ["blk.3.ffn_gate.weight", "token_embd.weight"] {
            let matrix = WeightMatrix(file: file, tensor: try #require(file.tensor(named: name)))
            let x = (0 ..< matrix.columns).map { _ in Float.random(in: -1 ... 1, using: &random) }
            let y = Self.run(matrix, x, vectors: 1)
            for r in stride(from: 0, to: matrix.rows, by: max(1, matrix.rows / 50)) {
                let expected = zip(matrix.dequantizeRow(r), x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                #expect(abs(Double(y[r]) - expected) <= 1e-4 * (abs(expected) + 1), "\(name) row \(r)")
            }
        }
    }
}
