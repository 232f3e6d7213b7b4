/// How matrix products treat the activations they multiply with quantized weights.
public enum ActivationPrecision: String, Sendable, CaseIterable {
    /// Activations quantized to 8-bit blocks and multiplied with Q4_0 / Q4_1 / Q8_0 weights by
    /// integer kernels, as llama.cpp does: the fast default. Other weight types use `float`.
    case int8
    /// `Float` activations times exactly decoded weights: slower, and reproduces an f32
    /// reference (llama.cpp on the weights dequantized to F32) to about 1e-4.
    case float
}
