/// Where a `TokenGrammar` is after the tokens generated so far: a value to keep per sequence and
/// pass back to the grammar that made it.
public struct GrammarState: Sendable, Hashable {
    /// The state of the grammar's lazily built DFA.
    let dfaState: Int32
}
