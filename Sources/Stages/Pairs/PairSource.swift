/// Where a preference pair comes from.
public enum PairSource: String, Sendable, CaseIterable, Encodable {
    /// LongWriter: the AgentWrite answer against single-pass direct answers to the same
    /// instruction, ranked by the length score S_l (chosen = best, rejected = worst).
    case answer
    /// Suri I-ORPO: (instruction, response) against (rejected instruction, same response).
    case instruction
    /// Self-Lengthen: the lengthened answer against its first draft, when the final answer meets
    /// the length requirement and the draft does not.
    case length
}
