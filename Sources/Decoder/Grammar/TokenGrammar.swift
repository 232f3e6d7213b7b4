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
/// Decoding with it, per step: `apply(state, remainingTokens:, to: logits)`, sample a token, then
/// `state = advance(state, token:)` (never `nil` for a token the mask allowed). Stop when the
/// sampled token is a stop token, or when `isFinished(state)`: nothing but a stop token may
/// follow (the output is a text the format allows, unless the vocabulary lacks bytes it needs).
///
/// Budget: `tokensToComplete(state)` is the fewest tokens from a state to a complete output (see
/// `TokenDistanceTable`). With `remainingTokens`, a token is allowed only if the output stays
/// completable within the tokens left after it, so an output whose budget covers
/// `tokensToComplete(initialState)` always ends complete. The check costs nothing while every
/// allowed token keeps the output completable (each state records how far from the end, in bytes
/// that are tokens by themselves, its farthest next token leads, which bounds the tokens still
/// needed there); only near the end of a budget is a narrower mask computed, cached per state and
/// budget.
public final class TokenGrammar: @unchecked Sendable {
    // @unchecked: the lazily filled DFA and mask caches are guarded by `lock`; the rest is immutable.
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
    /// Whether each stored mask allows a token that is not a stop token.
    private var maskAllowsText: [Bool] = []
    private var maskIndexByMask: [TokenMask: Int32] = [:]
    /// For each state whose mask is known: the largest byte distance to the end among the states
    /// its allowed tokens lead to.
    private var farthestNextBytes: [Int32] = []
    /// The same in tokens (`TokenDistanceTable`), for states where it was needed; -1 elsewhere.
    private var farthestNextTokens: [Int32] = []
    /// Scratch marks of the states a budget mask's tokens reach.
    private var reachedMarks: [UInt32] = []
    private var reachedMark: UInt32 = 0
    private var tokenDistances = TokenDistanceTable()
    /// Masks narrowed by the budget, keyed by state (high 32 bits) and the most tokens the
    /// output may still need after the next one (low 32 bits).
    private var budgetMasks: [UInt64: TokenMask] = [:]
    /// Budget masks kept before the cache is emptied (each is `vocabularySize` bits).
    private static let budgetMaskLimit = 4096

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
        dfa = try LazyDFA(nfa: ByteNFA(format.language(), maxStates: limits.maxNFAStates), maxStates: limits.maxDFAStates,
                          distanceBytes: vocabulary.singleByteTokens)
        let byteClass = dfa.byteClass
        nodeClasses = vocabulary.nodeBytes.map { byteClass[Int($0)] }
        initialState = GrammarState(dfaState: dfa.start)
    }

    /// The tokens allowed after reaching `state`.
    /// - Throws: `GrammarError.tooManyStates` when the lazily built DFA outgrows its limit.
    public func allowedTokens(_ state: GrammarState) throws -> TokenMask {
        lock.lock()
        defer { lock.unlock() }
        return masks[Int(try maskIndex(state))]
    }

    /// The tokens allowed after reaching `state` when at most `remainingTokens` more tokens may be
    /// generated: those after which a complete output is still at most `remainingTokens - 1`
    /// tokens away (and the stop tokens where the output is complete). When even the shortest
    /// completion does not fit, or `remainingTokens` is below 1, the mask is not narrowed.
    /// - Throws: `GrammarError.tooManyStates` when the lazily built DFA outgrows its limit.
    public func allowedTokens(_ state: GrammarState, remainingTokens: Int) throws -> TokenMask {
        lock.lock()
        defer { lock.unlock() }
        let index = Int(try maskIndex(state))
        let limit = Int32(clamping: remainingTokens - 1)
        // A state's token distance is at most its byte distance (counted in bytes that are tokens).
        if limit < 0 || farthestNextBytes[Int(state.dfaState)] <= limit { return masks[index] }
        if farthestNextTokens[Int(state.dfaState)] >= 0 && farthestNextTokens[Int(state.dfaState)] <= limit { return masks[index] }
        let key = UInt64(UInt32(bitPattern: state.dfaState)) << 32 | UInt64(UInt32(limit))
        if let known = budgetMasks[key] { return known }
        guard try distance(state.dfaState) - 1 <= limit else { return masks[index] }
        // The distinct states the allowed tokens reach, and the farthest of them in tokens.
        if reachedMarks.count < dfa.stateCount {
            reachedMarks.append(contentsOf: repeatElement(0, count: dfa.stateCount - reachedMarks.count))
        }
        reachedMark &+= 1
        if reachedMark == 0 {
            for index in reachedMarks.indices { reachedMarks[index] = 0 }
            reachedMark = 1
        }
        var reached: [Int32] = []
        dfa.forEachTokenEnd(from: state.dfaState, vocabulary: vocabulary, nodeClasses: nodeClasses) { _, next in
            if reachedMarks[Int(next)] != reachedMark {
                reachedMarks[Int(next)] = reachedMark
                reached.append(next)
            }
        }
        var farthest: Int32 = 0
        for next in reached { farthest = max(farthest, try distance(next)) }
        farthestNextTokens[Int(state.dfaState)] = farthest
        if farthest <= limit { return masks[index] }
        var narrowed = TokenMask(vocabularySize: vocabulary.size)
        dfa.forEachTokenEnd(from: state.dfaState, vocabulary: vocabulary, nodeClasses: nodeClasses) { node, next in
            guard let needed = tokenDistances.known(next), needed <= limit else { return }
            for slot in Int(vocabulary.tokenStarts[node]) ..< Int(vocabulary.tokenStarts[node + 1]) {
                narrowed.insert(vocabulary.tokenIDs[slot])
            }
        }
        for stop in stopTokens {
            if masks[index].contains(stop) { narrowed.insert(stop) } else { narrowed.remove(stop) }
        }
        if budgetMasks.count >= Self.budgetMaskLimit { budgetMasks.removeAll(keepingCapacity: true) }
        budgetMasks[key] = narrowed
        return narrowed
    }

    /// The fewest tokens that complete the output from `state` (0 when it is complete), or `nil`
    /// when no sequence of tokens does (only with a vocabulary that lacks some bytes).
    /// - Throws: `GrammarError.tooManyStates` when the lazily built DFA outgrows its limit.
    public func tokensToComplete(_ state: GrammarState) throws -> Int? {
        lock.lock()
        defer { lock.unlock() }
        let tokens = try distance(state.dfaState)
        return tokens == TokenDistanceTable.unreachable ? nil : Int(tokens)
    }

    /// Sets the logits of the tokens not allowed after `state` to -infinity.
    public func apply(_ state: GrammarState, to logits: UnsafeMutableBufferPointer<Float>) throws {
        try allowedTokens(state).apply(to: logits)
    }

    /// Sets the logits of the tokens not allowed after `state` with `remainingTokens` left to -infinity.
    public func apply(_ state: GrammarState, remainingTokens: Int, to logits: UnsafeMutableBufferPointer<Float>) throws {
        try allowedTokens(state, remainingTokens: remainingTokens).apply(to: logits)
    }

    /// Whether the output that led to `state` is finished: no token but a stop token may follow
    /// (it is complete when `isAccepting(state)`, else stuck).
    public func isFinished(_ state: GrammarState) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !maskAllowsText[Int(try maskIndex(state))]
    }

    /// The index into `masks` of the mask of `state`, computed on first use. Call with the lock held.
    private func maskIndex(_ state: GrammarState) throws -> Int32 {
        let index = Int(state.dfaState)
        if index < maskIndexByState.count, maskIndexByState[index] >= 0 { return maskIndexByState[index] }
        var mask = TokenMask(vocabularySize: vocabulary.size)
        let farthest = try dfa.addLiveTokens(from: state.dfaState, vocabulary: vocabulary, nodeClasses: nodeClasses, to: &mask)
        var textTokens = mask
        for stop in stopTokens { textTokens.remove(stop) }
        let accepting = dfa.isAccepting(state.dfaState)
        for stop in stopTokens {
            if accepting { mask.insert(stop) } else { mask.remove(stop) }
        }
        let allowsText = !textTokens.isEmpty
        let maskIndex: Int32
        if let known = maskIndexByMask[mask] {
            maskIndex = known
        } else {
            maskIndex = Int32(masks.count)
            masks.append(mask)
            maskAllowsText.append(allowsText)
            maskIndexByMask[mask] = maskIndex
        }
        if maskIndexByState.count < dfa.stateCount {
            maskIndexByState.append(contentsOf: repeatElement(-1, count: dfa.stateCount - maskIndexByState.count))
            farthestNextBytes.append(contentsOf: repeatElement(0, count: dfa.stateCount - farthestNextBytes.count))
            farthestNextTokens.append(contentsOf: repeatElement(-1, count: dfa.stateCount - farthestNextTokens.count))
        }
        maskIndexByState[index] = maskIndex
        farthestNextBytes[index] = farthest
        return maskIndex
    }

    /// The token distance of DFA state `state`. Call with the lock held.
    private func distance(_ state: Int32) throws -> Int32 {
        try tokenDistances.distance(of: state, dfa: &dfa, vocabulary: vocabulary, nodeClasses: nodeClasses)
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
