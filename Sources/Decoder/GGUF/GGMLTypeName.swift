/// Names of GGML tensor type codes, for messages about files this decoder cannot read.
///
/// Follows `enum ggml_type` in ggml.h (llama.cpp 0c1e570, vendored by llama-cpp-python
/// 0.3.36), names spelled as gguf-py's `GGMLQuantizationType`. Codes ggml has since
/// removed keep their old name with a note, so a file from an older converter is still named.
enum GGMLTypeName {
    /// Every code ggml has assigned, indexed by code, and whether ggml has since retired it.
    private static let table: [(name: String, removed: Bool)] = [
        ("F32", false), ("F16", false), ("Q4_0", false), ("Q4_1", false),
        ("Q4_2", true), ("Q4_3", true), ("Q5_0", false), ("Q5_1", false),
        ("Q8_0", false), ("Q8_1", false), ("Q2_K", false), ("Q3_K", false),
        ("Q4_K", false), ("Q5_K", false), ("Q6_K", false), ("Q8_K", false),
        ("IQ2_XXS", false), ("IQ2_XS", false), ("IQ3_XXS", false), ("IQ1_S", false),
        ("IQ4_NL", false), ("IQ3_S", false), ("IQ2_S", false), ("IQ4_XS", false),
        ("I8", false), ("I16", false), ("I32", false), ("I64", false),
        ("F64", false), ("IQ1_M", false), ("BF16", false), ("Q4_0_4_4", true),
        ("Q4_0_4_8", true), ("Q4_0_8_8", true), ("TQ1_0", false), ("TQ2_0", false),
        ("IQ4_NL_4_4", true), ("IQ4_NL_4_8", true), ("IQ4_NL_8_8", true), ("MXFP4", false),
        ("NVFP4", false), ("Q1_0", false), ("Q2_0", false),
    ]

    /// `code` described for a message: `IQ4_NL`, `Q4_2, removed from ggml`, or
    /// `not a GGML type` for codes ggml never assigned.
    static func describe(_ code: UInt32) -> String {
        guard code < table.count else { return "not a GGML type" }
        let entry = table[Int(code)]
        return entry.removed ? "\(entry.name), removed from ggml" : entry.name
    }

    /// The types this decoder reads, by name, in code order: `F32, F16, Q4_0, …`.
    static var supported: String {
        GGMLType.allCases.sorted { $0.rawValue < $1.rawValue }.map(\.description).joined(separator: ", ")
    }
}
