import CKernels
import Foundation
import Testing
@testable import Decoder

/// Attention over long caches cut into slices (flash-decoding): partial softmaxes merged, on
/// every instruction set, against exact arithmetic; the plan's slices; and the real model's
/// logits with and without splitting.
@Suite("Attention split across positions", .serialized)
struct AttentionSplitTests {
    /// Exact softmax attention of each query head (rows of `q`) over half-precision keys/values.
    static func exact(q: [Float], heads: Int, keys: [Float16], values: [Float16], stride: Int, positions: Int,
                      dimension: Int) -> [Double] {
        let scale = 1 / Double(Float(dimension).squareRoot())
        var out: [Double] = []
        for h in 0 ..< heads {
            let scores = (0 ..< positions).map { p in
                (0 ..< dimension).reduce(0.0) { $0 + Double(q[h * dimension + $1]) * Double(Float(keys[p * stride + $1])) } * scale
            }
            let top = scores.max()!
            let weights = scores.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            out += (0 ..< dimension).map { i in
                (0 ..< positions).reduce(0.0) { $0 + weights[$1] / total * Double(Float(values[$1 * stride + i])) }
            }
        }
        return out
    }

    @Test("slices merged equal exact attention on every instruction set (1–3 heads, 1–5 slices, 64 and 128 dimensions)")
    func partialsMerged() throws {
        var random = SeededTestRandom(seed: 1717)
        for dimension in [64, 128] {
            for heads in 1 ... 3 {
                let positions = 203 + 17 * heads
                let stride = dimension * 3
                let q = (0 ..< heads * dimension).map { _ in Float.random(in: -2 ... 2, using: &random) }
                // Wide keys so that the slices' maxima differ and the merge's rescaling matters.
                let keys = (0 ..< positions * stride).map { _ in Float16(Float.random(in: -4 ... 4, using: &random)) }
                let values = (0 ..< positions * stride).map { _ in Float16(Float.random(in: -3 ... 3, using: &random)) }
                let expected = Self.exact(q: q, heads: heads, keys: keys, values: values, stride: stride,
                                          positions: positions, dimension: dimension)
                try QuantizedKernelTests.forEachInstructionSet { isa in
                    for parts in 1 ... 5 {
                        var acc = [Float](repeating: .nan, count: parts * heads * dimension)
                        var maxima = [Float](repeating: .nan, count: parts * heads)
                        var totals = [Float](repeating: .nan, count: parts * heads)
                        var scratch = [Float](repeating: 0, count: heads * positions)
                        var out = [Float](repeating: .nan, count: heads * dimension)
                        keys.withUnsafeBufferPointer { k in
                            values.withUnsafeBufferPointer { v in
                                let kp = UnsafeRawPointer(k.baseAddress!).assumingMemoryBound(to: UInt16.self)
                                let vp = UnsafeRawPointer(v.baseAddress!).assumingMemoryBound(to: UInt16.self)
                                for j in 0 ..< parts {
                                    let from = positions * j / parts, to = positions * (j + 1) / parts
                                    acc.withUnsafeMutableBufferPointer { a in
                                        lw_attend_f16_partial(q, Int64(heads), Int64(dimension), kp + from * stride, vp + from * stride,
                                                              Int64(stride), Int64(to - from), Int64(dimension),
                                                              1 / Float(dimension).squareRoot(), &scratch,
                                                              a.baseAddress! + j * heads * dimension, Int64(dimension),
                                                              &maxima[j * heads], &totals[j * heads])
                                    }
                                }
                            }
                        }
                        lw_attend_merge(Int64(parts), Int64(heads), Int64(dimension), acc, maxima, totals, &out, Int64(dimension))
                        let worst = zip(out, expected).map { abs(Double($0) - $1) / (abs($1) + 1) }.max()!
                        #expect(worst <= 1e-5, "\(isa) dimension \(dimension) heads \(heads) parts \(parts): \(worst)")
                    }
                }
            }
        }
    }

    @Test("the plan covers each row's positions once per key/value head in fixed ranges")
    func planCoversPositions() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        let model = try LlamaModel(file: file)
        let c = model.configuration
        let cache = try model.makeCache(capacity: 8)
        let length = AttentionPlan.sliceLength
        for (rowCount, position) in [(1, 2047), (1, 10), (2, 4000), (16, 2047), (3, length - 1), (1, length)] {
            let rows = (0 ..< rowCount).map { RowPlacement(cache: cache, position: position + $0) }
            let plan = AttentionPlan(rows: rows, configuration: c)
            for t in 0 ..< rowCount {
                let positions = position + t + 1
                for group in 0 ..< c.headCountKV {
                    let ranges = plan.slices.filter { $0.row == t && $0.group == group }.map(\.positions)
                    let expected = stride(from: 0, to: positions, by: length).map { $0 ..< min(positions, $0 + length) }
                    #expect(ranges == expected, "rows \(rowCount) position \(position)")
                    #expect(plan.merges.contains { $0.row == t && $0.group == group } == (positions > length))
                }
            }
            #expect(plan.partialSlices == plan.merges.reduce(0) { $0 + $1.parts })
        }
    }

    @Test("on the real model at depth, one sequence (split) gives the logits it gets in a batch, and stays near the f32 model")
    func splitEqualsBatch() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        let model = try LlamaModel(file: file)
        let exact = try LlamaModel(file: file, precision: .float)
        let text = "A lighthouse keeper counts the ships that pass at night and writes each one down in a book. "
        let tokens = Array(Array(repeating: try BPETokenizer(gguf: file).encode(text, parseSpecial: false), count: 20).joined().prefix(600))
        let alone = try model.makeCache(capacity: 620)
        _ = try model.forward(tokens: tokens, cache: alone)
        let together = try (0 ..< 6).map { _ in try model.makeCache(capacity: 620) }
        for cache in together { cache.copyPositions(from: alone) }
        let reference = try exact.makeCache(capacity: 620)
        _ = try exact.forward(tokens: tokens, cache: reference)
        func distance(_ x: [Float], _ y: [Float]) -> Float { zip(x, y).map { abs($0 - $1) }.max()! }
        var next: Int32 = 42
        for step in 0 ..< 3 {
            let single = try model.forward(tokens: [next], cache: alone)
            let batch = try model.forward(batch: together.map { SequenceStep(tokens: [next], cache: $0) }).map { try #require($0) }
            let f32 = try exact.forward(tokens: [next], cache: reference)
            for (s, logits) in batch.enumerated() {
                #expect(distance(single, logits) <= 1e-3, "step \(step) sequence \(s)")
            }
            // int8 activations and an f16 cache against the exact model: the ReferenceTests' order of error.
            #expect(distance(single, f32) <= 1.5, "step \(step): \(distance(single, f32)) from f32")
            next = Int32(f32.indices.max { f32[$0] < f32[$1] }!)
        }
    }
}
