import Foundation
import Testing
@testable import Decoder

@Suite("Matrix products on encoded blocks")
struct MatrixProductTests {
    /// Σ decoded · x in Double, the reference for every kernel.
    private static func referenceProduct(_ matrix: WeightMatrix, _ x: [Float]) -> [Double] {
        (0 ..< matrix.rows).map { r in
            zip(matrix.dequantizeRow(r), x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    private static func run(_ matrix: WeightMatrix, _ x: [Float], vectors: Int) -> [Float] {
        var y = [Float](repeating: .nan, count: matrix.rows * vectors)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                MatrixProduct.run([MatrixProduct(matrix: matrix, input: input.baseAddress!, output: output.baseAddress!)],
                                  vectors: vectors)
            }
        }
        return y
    }

    @Test("every type's kernel equals decode-then-dot, for one vector and for a batch", arguments: GGMLType.allCases)
    func kernelsMatchDecoding(type: GGMLType) throws {
        var random = SeededTestRandom(seed: UInt64(type.rawValue) + 1)
        let columns = 512, rows = 40
        // Random bytes make valid blocks of every type once the f16 scales are tamed.
        var data = (0 ..< type.rowBytes(columns) * rows).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
        let scaleOffsets: [Int]
        switch type {
        case .f32, .f16, .bf16: scaleOffsets = []
        case .q8_0, .q4_0: scaleOffsets = [0]
        case .q4_1, .q4_K, .q5_K: scaleOffsets = [0, 2]
        case .q6_K: scaleOffsets = [208]
        }
        for block in 0 ..< data.count / type.blockBytes {
            for offset in scaleOffsets {
                let bits = Float16(Float.random(in: -0.05 ... 0.05, using: &random)).bitPattern
                data[block * type.blockBytes + offset] = UInt8(bits & 0xFF)
                data[block * type.blockBytes + offset + 1] = UInt8(bits >> 8)
            }
        }
        if type == .f32 || type == .f16 || type == .bf16 {
            let values = (0 ..< columns * rows).map { _ in Float.random(in: -1 ... 1, using: &random) }
            switch type {
            case .f32: data = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
            case .f16: data = values.flatMap { v in withUnsafeBytes(of: Float16(v).bitPattern.littleEndian, Array.init) }
            default: data = values.flatMap { v in withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian, Array.init) }
            }
        }
        var builder = GGUFBuilder()
        builder.tensors = [.init(name: "w", dimensions: [UInt64(columns), UInt64(rows)], typeCode: type.rawValue, data: data)]
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: builder.write(to: directory.url))
        let matrix = WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")))

        let vectors = 3
        let x = (0 ..< columns * vectors).map { _ in Float.random(in: -2 ... 2, using: &random) }
        let single = Self.run(matrix, Array(x[0 ..< columns]), vectors: 1)
        let batch = Self.run(matrix, x, vectors: vectors)
        for v in 0 ..< vectors {
            let expected = Self.referenceProduct(matrix, Array(x[v * columns ..< (v + 1) * columns]))
            let scale = expected.map(abs).max()! + 1
            for r in 0 ..< rows {
                #expect(abs(Double(batch[v * rows + r]) - expected[r]) <= 1e-5 * scale, "\(type) vector \(v) row \(r)")
                if v == 0 { #expect(abs(Double(single[r]) - expected[r]) <= 1e-5 * scale, "\(type) row \(r)") }
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
