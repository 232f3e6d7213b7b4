/// One contradiction found by `CoherenceChecker`: an entity whose terminal state (death,
/// destruction, silence, departure for ever) is stated in one sentence and contradicted by a later one.
public struct CoherenceFlag: Sendable, Hashable, Codable {
    /// What kind of contradiction this is.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A person who died later acts, speaks, gives orders or lives with someone.
        case deadActs = "dead_acts"
        /// A destroyed thing later works: speaks, shines, answers, rings, still stands.
        case destroyedFunctions = "destroyed_functions"
        /// Someone or something that can no longer speak later speaks.
        case silencedSpeaks = "silenced_speaks"
        /// Someone who left for ever (or something lost for ever) later comes back.
        case departedReturns = "departed_returns"
    }

    /// The kind of contradiction.
    public let kind: Kind
    /// The entity as the state sentence names it ("the mirror", "Marta Kessler", "魔镜").
    public let entity: String
    /// The state sentence, then the contradicting sentence, both as they appear in the text.
    public let evidence: [String]
    /// Character (`Character`, i.e. grapheme) offsets of the state sentence in the checked text.
    public let stateRange: Range<Int>
    /// Character offsets of the contradicting sentence in the checked text.
    public let contradictionRange: Range<Int>

    /// A flag; `evidence` is the state sentence, then the contradicting sentence.
    public init(kind: Kind, entity: String, evidence: [String], stateRange: Range<Int>, contradictionRange: Range<Int>) {
        self.kind = kind
        self.entity = entity
        self.evidence = evidence
        self.stateRange = stateRange
        self.contradictionRange = contradictionRange
    }
}
