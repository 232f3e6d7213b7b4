import Foundation
@testable import Decoder

/// A small random Llama model written as a GGUF file, and a plain Double-precision forward
/// pass over its decoded weights, written from the paper's equations independently of the
/// decoder's buffers, kernels and threading.
struct TinyLlama {
    var width = 256
    var layers = 2
    var heads = 4
    var kvHeads = 2
    var feedForward = 96
    var vocabulary = 40
    var context = 32
    var ropeBase: Float = 10_000
    var epsilon: Float = 1e-5
    var tiedOutput = true
    /// Tensor types by name suffix; everything else is F32.
    var types: [String: GGMLType] = [
        "attn_q.weight": .q8_0, "attn_v.weight": .q6_K, "attn_output.weight": .q5_K,
        "ffn_gate.weight": .q4_K, "ffn_up.weight": .q4_1, "ffn_down.weight": .q4_0,
    ]
    var architecture = "llama"
    /// Shapes to write instead of the right one, to test validation.
    var shapeOverrides: [String: [Int]] = [:]
    /// Adds a byte-level vocabulary (three ChatML special tokens, then one token per byte, no
    /// merges) and a ChatML template, so the file loads as a `LanguageModel`. The special
    /// tokens get zero embeddings, so with the tied output their logits are 0.
    var withTokenizer = false {
        didSet { if withTokenizer { vocabulary = 3 + 256 } }
    }

    private var tokenizerMetadata: [(String, GGUFValue)] {
        let tokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] + ByteLevelAlphabet.characterOfByte.map { String($0) }
        return [
            ("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("gpt2")),
            ("tokenizer.ggml.tokens", .array(tokens.map(GGUFValue.string))),
            ("tokenizer.ggml.token_type", .array(tokens.indices.map { .int32($0 < 3 ? 3 : 1) })),
            ("tokenizer.ggml.merges", .array([])),
            ("tokenizer.ggml.eos_token_id", .uint32(0)),
            ("tokenizer.chat_template", .string("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}")),
        ]
    }

    var headDimension: Int { width / heads }

    /// The tensors' names and shapes (`[columns, rows]` or `[count]`).
    func tensorShapes() -> [(String, [Int])] {
        var shapes: [(String, [Int])] = [("token_embd.weight", [width, vocabulary]), ("output_norm.weight", [width])]
        if !tiedOutput { shapes.append(("output.weight", [width, vocabulary])) }
        let kv = kvHeads * headDimension
        for layer in 0 ..< layers {
            let p = "blk.\(layer)."
            shapes += [
                (p + "attn_norm.weight", [width]), (p + "attn_q.weight", [width, width]),
                (p + "attn_k.weight", [width, kv]), (p + "attn_v.weight", [width, kv]),
                (p + "attn_output.weight", [width, width]), (p + "ffn_norm.weight", [width]),
                (p + "ffn_gate.weight", [width, feedForward]), (p + "ffn_up.weight", [width, feedForward]),
                (p + "ffn_down.weight", [feedForward, width]),
            ]
        }
        return shapes
    }

    func write(to directory: URL, seed: UInt64 = 1) throws -> String {
        var random = SeededTestRandom(seed: seed)
        var builder = GGUFBuilder()
        let a = architecture
        builder.metadata = [
            ("general.architecture", .string(a)),
            ("\(a).embedding_length", .uint32(UInt32(width))), ("\(a).block_count", .uint32(UInt32(layers))),
            ("\(a).attention.head_count", .uint32(UInt32(heads))), ("\(a).attention.head_count_kv", .uint32(UInt32(kvHeads))),
            ("\(a).feed_forward_length", .uint32(UInt32(feedForward))), ("\(a).context_length", .uint32(UInt32(context))),
            ("\(a).attention.layer_norm_rms_epsilon", .float32(epsilon)), ("\(a).rope.freq_base", .float32(ropeBase)),
            ("\(a).rope.dimension_count", .uint32(UInt32(headDimension))),
        ]
        if withTokenizer { builder.metadata += tokenizerMetadata }
        for (name, rightShape) in tensorShapes() {
            let shape = shapeOverrides[name] ?? rightShape
            let suffix = name.split(separator: ".", maxSplits: 2).suffix(from: name.hasPrefix("blk.") ? 2 : 0).joined(separator: ".")
            let type = types[suffix] ?? .f32
            let columns = shape[0], rows = shape.dropFirst().reduce(1, *)
            var data = RandomTensor.bytes(type: type, rows: rows, columns: columns, using: &random)
            if name.hasSuffix("norm.weight") {
                // Norm weights near 1, as trained models have them.
                data = (0 ..< columns).flatMap { _ in
                    withUnsafeBytes(of: Float.random(in: 0.5 ... 1.5, using: &random).bitPattern.littleEndian, Array.init)
                }
            }
            if withTokenizer && name == "token_embd.weight" && type == .f32 {
                // Zero embeddings (so logits, through the tied output) for the special tokens:
                // random answers then run on instead of ending at once.
                data.replaceSubrange(0 ..< 3 * columns * 4, with: [UInt8](repeating: 0, count: 3 * columns * 4))
            }
            builder.tensors.append(.init(name: name, dimensions: shape.map(UInt64.init), typeCode: type.rawValue, data: data))
        }
        return try builder.write(to: directory, name: "tiny-\(seed).gguf")
    }

    /// Logits after each of `tokens`, computed in Double from the decoded weights of `file`.
    func referenceLogits(file: GGUFFile, tokens: [Int32]) -> [[Double]] {
        var decoded: [String: [[Double]]] = [:]
        for tensor in file.tensors {
            let m = WeightMatrix(file: file, tensor: tensor)
            decoded[tensor.name] = (0 ..< m.rows).map { m.dequantizeRow($0).map(Double.init) }
        }
        func matrix(_ name: String) -> [[Double]] { decoded[name]! }
        func vector(_ name: String) -> [Double] { decoded[name]![0] }
        func apply(_ m: [[Double]], _ x: [Double]) -> [Double] { m.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } } }
        func rmsNorm(_ x: [Double], _ w: [Double]) -> [Double] {
            let rms = (x.reduce(0) { $0 + $1 * $1 } / Double(x.count) + Double(epsilon)).squareRoot()
            return zip(x, w).map { $0 / rms * $1 }
        }
        func rope(_ v: inout [Double], position: Int) {
            for head in 0 ..< v.count / headDimension {
                for i in 0 ..< headDimension / 2 {
                    let angle = Double(position) * pow(Double(ropeBase), -2 * Double(i) / Double(headDimension))
                    let a = head * headDimension + 2 * i
                    (v[a], v[a + 1]) = (v[a] * cos(angle) - v[a + 1] * sin(angle), v[a] * sin(angle) + v[a + 1] * cos(angle))
                }
            }
        }
        let embedding = matrix("token_embd.weight")
        let output = tiedOutput ? embedding : matrix("output.weight")
        var keys = [[[Double]]](repeating: [], count: layers), values = keys
        var result: [[Double]] = []
        for (position, token) in tokens.enumerated() {
            var x = embedding[Int(token)]
            for layer in 0 ..< layers {
                let p = "blk.\(layer)."
                let xn = rmsNorm(x, vector(p + "attn_norm.weight"))
                var q = apply(matrix(p + "attn_q.weight"), xn)
                var k = apply(matrix(p + "attn_k.weight"), xn)
                rope(&q, position: position)
                rope(&k, position: position)
                keys[layer].append(k)
                values[layer].append(apply(matrix(p + "attn_v.weight"), xn))
                var attended = [Double](repeating: 0, count: width)
                for head in 0 ..< heads {
                    let kvHead = head / (heads / kvHeads)
                    let qh = q[head * headDimension ..< (head + 1) * headDimension]
                    let scores = keys[layer].map { key in
                        zip(qh, key[kvHead * headDimension ..< (kvHead + 1) * headDimension]).reduce(0) { $0 + $1.0 * $1.1 }
                            / Double(headDimension).squareRoot()
                    }
                    let top = scores.max()!
                    let weights = scores.map { exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for (t, w) in weights.enumerated() {
                        for i in 0 ..< headDimension {
                            attended[head * headDimension + i] += w / total * values[layer][t][kvHead * headDimension + i]
                        }
                    }
                }
                x = zip(x, apply(matrix(p + "attn_output.weight"), attended)).map(+)
                let hn = rmsNorm(x, vector(p + "ffn_norm.weight"))
                let gate = apply(matrix(p + "ffn_gate.weight"), hn), up = apply(matrix(p + "ffn_up.weight"), hn)
                let hidden = zip(gate, up).map { g, u in g / (1 + exp(-g)) * u }
                x = zip(x, apply(matrix(p + "ffn_down.weight"), hidden)).map(+)
            }
            result.append(apply(output, rmsNorm(x, vector("output_norm.weight"))))
        }
        return result
    }
}
