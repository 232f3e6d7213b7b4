import Foundation
@testable import Decoder

/// Random tensor data of any type, with f16 scales kept small so decoded values stay in a
/// range where Float sums are accurate.
enum RandomTensor {
    static func bytes(type: GGMLType, rows: Int, columns: Int, using random: inout SeededTestRandom) -> [UInt8] {
        switch type {
        case .f32, .f16, .bf16:
            let values = (0 ..< columns * rows).map { _ in Float.random(in: -1 ... 1, using: &random) }
            switch type {
            case .f32: return values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
            case .f16: return values.flatMap { v in withUnsafeBytes(of: Float16(v).bitPattern.littleEndian, Array.init) }
            default: return values.flatMap { v in withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian, Array.init) }
            }
        case .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K:
            var data = (0 ..< type.rowBytes(columns) * rows).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            let scaleOffsets: [Int]
            switch type {
            case .q8_0, .q4_0, .q5_0: scaleOffsets = [0]
            case .q6_K: scaleOffsets = [208]
            default: scaleOffsets = [0, 2]
            }
            for block in 0 ..< data.count / type.blockBytes {
                for offset in scaleOffsets {
                    let bits = Float16(Float.random(in: -0.05 ... 0.05, using: &random)).bitPattern
                    data[block * type.blockBytes + offset] = UInt8(bits & 0xFF)
                    data[block * type.blockBytes + offset + 1] = UInt8(bits >> 8)
                }
            }
            return data
        }
    }
}
