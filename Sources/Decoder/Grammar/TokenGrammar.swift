import Foundation

/// A response format compiled for one tokenizer: which tokens may come next so that the output
/// stays a prefix of some text the format allows.
///
/// The format becomes a regular language over bytes (`ResponseFormat.language`), a Thompson NFA
/// (`ByteNFA`) and a DFA built lazily (`LazyDFA`). The tokens allowed in a DFA state are found by
/// walking the vocabulary's byte trie against the DFA once; that mask is cached per state, and
/// identical masks are stored once. A decoding step therefore costs a few table lookups, plus one
/// trie walk whenever it reaches a DFA state for the first time.
///
/// Stop tokens (by default the tokenizer's EOS) are allowed only in accepting states; other
/// control tokens never. In an accepting state from which the format allows no more text, the
/// stop tokens are all that is allowed. Thread-safe: the lazily filled caches are behind a lock,
/// so one grammar can serve many sequences; each sequence keeps its own `GrammarState`.
///
/// Decoding with it, per step: `apply(state, to: logits)`, sample a token, then
/// `state = advance(state, token:)` (never `nil` for a token the mask allowed). Stop when the
/// sampled token is a stop token, or when `allowedTokens(state)` is empty: then the output is
/// complete if `isAccepting(state)` (a vocabulary without EOS), and otherwise stuck (only possible
/// with a vocabulary that lacks some single-byte tokens).
public final class TokenGrammar: @unchecked Sendable {
    /// The format the grammar enforces.
    public let format: ResponseFormat
    /// Tokens that end the output, allowed only where the output is complete (even a stop token
    /// that has text is only ever an end marker here).
    public let stopTokens: [Int32]
    /// The state before the first generated token.
    public let initialState: GrammarState
    /// Size of the vocabulary masks range over.
    public var vocabularySize: Int { vocabulary.size }

    private let vocabulary: TokenVocabulary
    private let nodeClasses: [UInt8]
    private let lock = NSLock()
    private var dfa: LazyDFA
    /// Index into `masks` for each DFA state, -1 until computed.
    private var maskIndexByState: [Int32] = []
    private var masks: [TokenMask] = []
    private var maskIndexByMask: [TokenMask: Int32] = [:]

    /// Compiles `format` for `tokenizer`.
    /// - Parameters:
    ///   - stopTokens: tokens that end the output; default: the tokenizer's EOS token.
    ///   - limits: automaton size limits.
    /// - Throws: `GrammarError` when the format is invalid, unsupported or too large.
    public convenience init(format: ResponseFormat, tokenizer: BPETokenizer, stopTokens: [Int32]? = nil,
                            limits: GrammarLimits = GrammarLimits()) throws {
        try self.init(format: format, vocabulary: TokenVocabulary(tokenizer: tokenizer),
                      stopTokens: stopTokens, limits: limits)
    }

    /// Compiles `format` for a vocabulary already read (cheaper when making several grammars).
    public init(format: ResponseFormat, vocabulary: TokenVocabulary, stopTokens: [Int32]? = nil,
                limits: GrammarLimits = GrammarLimits()) throws {
        self.format = format
        self.vocabulary = vocabulary
        self.stopTokens = (stopTokens ?? vocabulary.eosID.map { [$0] } ?? []).filter { $0 >= 0 && Int($0) < vocabulary.size }
        dfa = try LazyDFA(nfa: ByteNFA(format.language(), maxStates: limits.maxNFAStates), maxStates: limits.maxDFAStates)
        let byteClass = dfa.byteClass
        nodeClasses = vocabulary.nodeBytes.map { byteClass[Int($0)] }
        initialState = GrammarState(dfaState: dfa.start)
    }

    /// The tokens allowed after reaching `state`.
    /// - Throws: `GrammarError.tooManyStates` when the lazily built DFA outgrows its limit.
    public func allowedTokens(_ state: GrammarState) throws -> TokenMask {
        lock.lock()
        defer { lock.unlock() }
        let index = Int(state.dfaState)
        if index < maskIndexByState.count, maskIndexByState[index] >= 0 {
            return masks[Int(maskIndexByState[index])]
        }
        var mask = TokenMask(vocabularySize: vocabulary.size)
        try dfa.addLiveTokens(from: state.dfaState, vocabulary: vocabulary, nodeClasses: nodeClasses, to: &mask)
        let accepting = dfa.isAccepting(state.dfaState)
        for stop in stopTokens {
            if accepting { mask.insert(stop) } else { mask.remove(stop) }
        }
        let maskIndex: Int32
        if let known = maskIndexByMask[mask] {
            maskIndex = known
        } else {
            maskIndex = Int32(masks.count)
            masks.append(mask)
            maskIndexByMask[mask] = maskIndex
        }
        if maskIndexByState.count < dfa.stateCount {
            maskIndexByState.append(contentsOf: repeatElement(-1, count: dfa.stateCount - maskIndexByState.count))
        }
        maskIndexByState[index] = maskIndex
        return mask
    }

    /// Sets the logits of the tokens not allowed after `state` to -infinity.
    public func apply(_ state: GrammarState, to logits: UnsafeMutableBufferPointer<Float>) throws {
        try allowedTokens(state).apply(to: logits)
    }

    /// The state after `token`, or `nil` when `token` is not allowed in `state`. A stop token
    /// allowed in `state` leaves the state as it is (the output is finished).
    public func advance(_ state: GrammarState, token: Int32) throws -> GrammarState? {
        if stopTokens.contains(token) { return isAccepting(state) ? state : nil }
        let bytes = vocabulary.bytes(of: token)
        guard !bytes.isEmpty else { return nil }
        return try advance(state, bytes: bytes)
    }

    /// The state after the bytes `bytes`, or `nil` when no allowed output continues with them.
    func advance<Bytes: Sequence>(_ state: GrammarState, bytes: Bytes) throws -> GrammarState? where Bytes.Element == UInt8 {
        lock.lock()
        defer { lock.unlock() }
        let next = try dfa.run(bytes, from: state.dfaState)
        return next == LazyDFA.dead ? nil : GrammarState(dfaState: next)
    }

    /// Whether the output that led to `state` is complete: a text the format allows.
    public func isAccepting(_ state: GrammarState) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return dfa.isAccepting(state.dfaState)
    }

    /// Cache sizes, for measurements: DFA states made, distinct masks stored.
    public var cacheStatistics: (dfaStates: Int, distinctMasks: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (dfa.stateCount, masks.count)
    }
}
