/// Turns texts into sentence embeddings of unit length, so that the dot product of two is their
/// cosine similarity. The built-in sentence encoder is one; stages see only this protocol.
public protocol TextEmbedder: Sendable {
    /// Names the encoder and its weights; it goes into the config hash of stages that use it, so
    /// that another encoder recomputes their output.
    var identity: String { get }
    /// Length of every embedding.
    var dimension: Int { get }
    /// The embedding of each text, in order.
    func embed(_ texts: [String]) -> [[Float]]
}

extension TextEmbedder {
    /// The cosine similarity of two embeddings of this encoder (their dot product).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "embeddings of different lengths")
        var total: Float = 0
        for i in a.indices { total += a[i] * b[i] }
        return total
    }
}
