import Foundation

/// A model-free coherence check for long texts, English and Chinese.
///
/// It finds entities that reach a terminal state (a person dies, is killed, drowns, is executed; a
/// thing is destroyed, shatters, burns down; someone "can no longer speak"; someone leaves for ever)
/// and flags the first later sentence in which that entity acts as if the state had not happened
/// (the dead person speaks or gives orders, the shattered mirror answers, the silenced one speaks,
/// the one gone for ever walks back in). Memories and flashbacks, quoted or reported earlier words,
/// dreams, ghosts, "the late …", funerals, graves, statues, the remains of a destroyed thing,
/// hypotheticals and an explicitly described revival or repair are not contradictions.
///
/// ```swift
/// let flags = CoherenceChecker().check(text)
/// for flag in flags { print(flag.kind.rawValue, flag.entity, flag.evidence) }
/// ```
public struct CoherenceChecker: Sendable {
    public init() {}

    /// The contradictions in `text`, in order of their state sentence; one flag per entity state.
    public func check(_ text: String) -> [CoherenceFlag] {
        let prepared = CoherenceText(text)
        let finder = ContradictionFinder(text: prepared)
        var flags: [CoherenceFlag] = []
        let states = finder.states()
        for (state, later) in zip(states, finder.contradictions(of: states)) {
            guard let later else { continue }
            let first = prepared.sentences[state.sentence]
            let second = prepared.sentences[later]
            flags.append(CoherenceFlag(
                kind: state.kind, entity: state.entity.display, evidence: [first.text, second.text],
                stateRange: prepared.characterRange(first.range), contradictionRange: prepared.characterRange(second.range)))
        }
        return flags
    }
}
