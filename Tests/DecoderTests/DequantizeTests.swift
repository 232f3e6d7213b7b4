import Foundation
import Testing
@testable import Decoder

/// Each test picks quantized values, packs them into a block the way the ggml block
/// definitions lay them out (the inverse of what the decoder does), and checks that
/// decoding gives the value formula of the format.
@Suite("Dequantization")
struct DequantizeTests {
    private static func half(_ value: Float) -> (bits: UInt16, value: Float) {
        let h = Float16(value)
        return (h.bitPattern, Float(h))
    }

    private static func bytes(ofHalf bits: UInt16) -> [UInt8] { [UInt8(bits & 0xFF), UInt8(bits >> 8)] }

    private static func decode(_ type: GGMLType, _ block: [UInt8], count: Int) -> [Float] {
        block.withUnsafeBytes { type.dequantize($0.baseAddress!, count: count) }
    }

    @Test("binary16 conversion agrees with Float16 for all 65,536 bit patterns")
    func halfConversion() {
        for bits in 0 ... UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = HalfFloat.float(fromHalf: bits)
            #expect(actual.bitPattern == expected.bitPattern || (actual.isNaN && expected.isNaN), "bits \(bits)")
        }
        #expect(HalfFloat.float(fromBFloat16: 0x3F80) == 1)
        #expect(HalfFloat.float(fromBFloat16: 0xC0A0) == -5)
    }

    @Test("F32, F16 and BF16 rows decode element by element")
    func floatTypes() {
        let values: [Float] = [0, 1, -2.5, 1e-3, 65504, -0.1]
        let f32 = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        #expect(Self.decode(.f32, f32, count: 6) == values)
        let f16 = values.flatMap { Self.bytes(ofHalf: Self.half($0).bits) }
        #expect(Self.decode(.f16, f16, count: 6) == values.map { Self.half($0).value })
        let bf16 = values.flatMap { v -> [UInt8] in
            let top = UInt16(v.bitPattern >> 16)
            return [UInt8(top & 0xFF), UInt8(top >> 8)]
        }
        #expect(Self.decode(.bf16, bf16, count: 6) == values.map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) })
    }

    @Test("Q8_0: value = q·d")
    func q8_0() {
        var random = SeededTestRandom(seed: 80)
        for _ in 0 ..< 20 {
            let d = Self.half(Float.random(in: -0.1 ... 0.1, using: &random))
            let q = (0 ..< 32).map { _ in Int8.random(in: .min ... .max, using: &random) }
            let block = Self.bytes(ofHalf: d.bits) + q.map { UInt8(bitPattern: $0) }
            #expect(block.count == GGMLType.q8_0.blockBytes)
            #expect(Self.decode(.q8_0, block, count: 32) == q.map { Float($0) * d.value })
        }
    }

    @Test("Q4_0: value = (q − 8)·d, low nibbles first")
    func q4_0() {
        var random = SeededTestRandom(seed: 40)
        for _ in 0 ..< 20 {
            let d = Self.half(Float.random(in: -0.1 ... 0.1, using: &random))
            let q = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 15, using: &random) }
            let block = Self.bytes(ofHalf: d.bits) + (0 ..< 16).map { q[$0] | (q[$0 + 16] << 4) }
            #expect(block.count == GGMLType.q4_0.blockBytes)
            #expect(Self.decode(.q4_0, block, count: 32) == q.map { Float(Int($0) - 8) * d.value })
        }
    }

    @Test("Q4_1: value = q·d + m")
    func q4_1() {
        var random = SeededTestRandom(seed: 41)
        for _ in 0 ..< 20 {
            let d = Self.half(Float.random(in: 0 ... 0.1, using: &random))
            let m = Self.half(Float.random(in: -1 ... 0, using: &random))
            let q = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 15, using: &random) }
            let block = Self.bytes(ofHalf: d.bits) + Self.bytes(ofHalf: m.bits) + (0 ..< 16).map { q[$0] | (q[$0 + 16] << 4) }
            #expect(block.count == GGMLType.q4_1.blockBytes)
            #expect(Self.decode(.q4_1, block, count: 32) == q.map { Float($0) * d.value + m.value })
        }
    }

    /// A Q5_0/Q5_1 block's 4 bytes of fifth bits (bit `i` of the little-endian word is element
    /// `i`'s) and 16 bytes of low nibbles (elements `j` and `j + 16` share byte `j`).
    private static func packFiveBit(_ q: [UInt8]) -> [UInt8] {
        let highBits = (0 ..< 32).reduce(UInt32(0)) { $0 | UInt32(q[$1] >> 4) << UInt32($1) }
        return withUnsafeBytes(of: highBits.littleEndian, Array.init) + (0 ..< 16).map { (q[$0] & 0x0F) | ((q[$0 + 16] & 0x0F) << 4) }
    }

    @Test("Q5_0: value = (q − 16)·d, fifth bit of element i in bit i of qh")
    func q5_0() {
        var random = SeededTestRandom(seed: 50)
        for _ in 0 ..< 20 {
            let d = Self.half(Float.random(in: -0.1 ... 0.1, using: &random))
            let q = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 31, using: &random) }
            let block = Self.bytes(ofHalf: d.bits) + Self.packFiveBit(q)
            #expect(block.count == GGMLType.q5_0.blockBytes)
            #expect(Self.decode(.q5_0, block, count: 32) == q.map { Float(Int($0) - 16) * d.value })
        }
    }

    @Test("Q5_1: value = q·d + m")
    func q5_1() {
        var random = SeededTestRandom(seed: 51)
        for _ in 0 ..< 20 {
            let d = Self.half(Float.random(in: 0 ... 0.1, using: &random))
            let m = Self.half(Float.random(in: -2 ... 0, using: &random))
            let q = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 31, using: &random) }
            let block = Self.bytes(ofHalf: d.bits) + Self.bytes(ofHalf: m.bits) + Self.packFiveBit(q)
            #expect(block.count == GGMLType.q5_1.blockBytes)
            #expect(Self.decode(.q5_1, block, count: 32) == q.map { Float($0) * d.value + m.value })
        }
    }

    /// Packs eight 6-bit scales and eight 6-bit minimums into the 12 bytes of Q4_K/Q5_K.
    private static func packKScales(_ scales: [UInt8], _ mins: [UInt8]) -> [UInt8] {
        var packed = [UInt8](repeating: 0, count: 12)
        for j in 0 ..< 4 {
            packed[j] = scales[j] | ((scales[j + 4] >> 4) << 6)
            packed[j + 4] = mins[j] | ((mins[j + 4] >> 4) << 6)
            packed[j + 8] = (scales[j + 4] & 0x0F) | ((mins[j + 4] & 0x0F) << 4)
        }
        return packed
    }

    @Test("Q4_K and Q5_K: value = d·scale·q − dmin·min per 32-element sub-block")
    func q4_K_and_q5_K() {
        var random = SeededTestRandom(seed: 45)
        for fiveBit in [false, true] {
            for _ in 0 ..< 10 {
                let d = Self.half(Float.random(in: 0 ... 0.01, using: &random))
                let dmin = Self.half(Float.random(in: 0 ... 0.01, using: &random))
                let scales = (0 ..< 8).map { _ in UInt8.random(in: 0 ... 63, using: &random) }
                let mins = (0 ..< 8).map { _ in UInt8.random(in: 0 ... 63, using: &random) }
                let q = (0 ..< 256).map { _ in UInt8.random(in: 0 ... (fiveBit ? 31 : 15), using: &random) }
                var nibbles = [UInt8](repeating: 0, count: 128)
                var highBits = [UInt8](repeating: 0, count: 32)
                for e in 0 ..< 256 {
                    let subBlock = e / 32, l = e % 32
                    let index = 32 * (subBlock / 2) + l
                    nibbles[index] |= (q[e] & 0x0F) << (subBlock % 2 == 0 ? 0 : 4)
                    highBits[l] |= (q[e] >> 4) << subBlock
                }
                let header = Self.bytes(ofHalf: d.bits) + Self.bytes(ofHalf: dmin.bits) + Self.packKScales(scales, mins)
                let type: GGMLType = fiveBit ? .q5_K : .q4_K
                let block = header + (fiveBit ? highBits : []) + nibbles
                #expect(block.count == type.blockBytes)
                let expected = (0 ..< 256).map { e in
                    d.value * Float(scales[e / 32]) * Float(q[e]) - dmin.value * Float(mins[e / 32])
                }
                let actual = Self.decode(type, block, count: 256)
                for e in 0 ..< 256 { #expect(abs(actual[e] - expected[e]) <= 1e-6 * max(1, abs(expected[e])), "\(type) element \(e)") }
            }
        }
    }

    @Test("Q6_K: value = d·scale·(q − 32) per 16-element group")
    func q6_K() {
        var random = SeededTestRandom(seed: 46)
        for _ in 0 ..< 10 {
            let d = Self.half(Float.random(in: -0.01 ... 0.01, using: &random))
            let scales = (0 ..< 16).map { _ in Int8.random(in: .min ... .max, using: &random) }
            let q = (0 ..< 256).map { _ in UInt8.random(in: 0 ... 63, using: &random) }
            var low = [UInt8](repeating: 0, count: 128)
            var high = [UInt8](repeating: 0, count: 64)
            for e in 0 ..< 256 {
                let half = e / 128, k = (e % 128) / 32, l = e % 32
                low[64 * half + l + (k % 2) * 32] |= (q[e] & 0x0F) << (k < 2 ? 0 : 4)
                high[32 * half + l] |= (q[e] >> 4) << (2 * k)
            }
            let block = low + high + scales.map { UInt8(bitPattern: $0) } + Self.bytes(ofHalf: d.bits)
            #expect(block.count == GGMLType.q6_K.blockBytes)
            let actual = Self.decode(.q6_K, block, count: 256)
            for e in 0 ..< 256 {
                let expected = d.value * Float(scales[e / 16]) * Float(Int(q[e]) - 32)
                #expect(abs(actual[e] - expected) <= 1e-6 * max(1, abs(expected)), "element \(e)")
            }
        }
    }

    @Test("the default model's tensors decode to finite, varied values of plausible size")
    func realTensors() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        let types = Set(file.tensors.map(\.type))
        #expect(types.isSuperset(of: [.q4_1, .q8_0, .f32]))
        for name in ["token_embd.weight", "blk.0.attn_q.weight", "blk.29.ffn_down.weight", "blk.0.attn_norm.weight", "output_norm.weight"] {
            let matrix = WeightMatrix(file: file, tensor: try #require(file.tensor(named: name)))
            for r in [0, matrix.rows / 2, matrix.rows - 1] {
                let row = matrix.dequantizeRow(r)
                #expect(row.count == matrix.columns)
                #expect(row.allSatisfy { $0.isFinite }, "\(name) row \(r)")
                let meanAbs = row.map { abs($0) }.reduce(0, +) / Float(row.count)
                #expect(meanAbs > 1e-4 && meanAbs < 10, "\(name) row \(r) mean |w| \(meanAbs)")
                #expect(Set(row).count > 4, "\(name) row \(r) is nearly constant")
            }
        }
    }
}
