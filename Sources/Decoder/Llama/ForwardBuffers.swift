/// Scratch vectors for one forward call over `tokens` tokens, one row per token.
final class ForwardBuffers {
    /// Residual stream.
    let hidden: FloatBuffer
    /// RMS-normalised residual, the input of a projection.
    let normalized: FloatBuffer
    let query: FloatBuffer
    let key: FloatBuffer
    let value: FloatBuffer
    /// Attention output of every head, before the output projection.
    let attended: FloatBuffer
    /// Output of a projection back to the residual width.
    let projected: FloatBuffer
    let gate: FloatBuffer
    let up: FloatBuffer

    init(configuration c: LlamaConfiguration, tokens: Int) {
        hidden = FloatBuffer(count: tokens * c.embeddingLength)
        normalized = FloatBuffer(count: tokens * c.embeddingLength)
        query = FloatBuffer(count: tokens * c.queryWidth)
        key = FloatBuffer(count: tokens * c.keyValueWidth)
        value = FloatBuffer(count: tokens * c.keyValueWidth)
        attended = FloatBuffer(count: tokens * c.queryWidth)
        projected = FloatBuffer(count: tokens * c.embeddingLength)
        gate = FloatBuffer(count: tokens * c.feedForwardLength)
        up = FloatBuffer(count: tokens * c.feedForwardLength)
    }
}
