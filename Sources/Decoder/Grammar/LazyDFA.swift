/// The deterministic automaton of a `ByteNFA`, built lazily: a DFA state (a set of NFA states) and
/// each of its transitions are made the first time they are needed, then kept.
///
/// Bytes that every NFA byte set treats alike share one equivalence class, so a state's transition
/// row has one entry per class rather than per byte. Not thread-safe: `TokenGrammar` locks around it.
struct LazyDFA: Sendable {
    /// The state after input no string of the language starts with.
    static let dead: Int32 = -1
    /// A transition not computed yet.
    static let unknown: Int32 = -2

    /// Equivalence class of each byte.
    let byteClass: [UInt8]
    /// Number of byte classes (the length of a transition row).
    let classCount: Int
    /// The state before any input.
    private(set) var start: Int32 = 0

    private let nfa: ByteNFA
    private let maxStates: Int
    /// A byte of each class.
    private let representative: [UInt8]
    /// `classCount` entries per state: the next state, `dead`, or `unknown`.
    private(set) var transitions: [Int32] = []
    private var accepting: [Bool] = []
    /// Fewest bytes from each state to an accepting one, counting only the bytes the distances
    /// were asked for (`ByteNFA.unreachable` when no such bytes lead there).
    private(set) var distances: [Int32] = []
    /// The same for each NFA state.
    private let nfaDistances: [Int32]
    /// The NFA states each DFA state stands for: those that read a byte, and the accepting one; sorted.
    private var stateSets: [[Int32]] = []
    private var stateIDs: [[Int32]: Int32] = [:]

    // Scratch space for epsilon closures.
    private var visitStamp: [UInt32]
    private var stamp: UInt32 = 0
    private var pending: [Int32] = []

    /// - Parameter distanceBytes: the bytes `distance` counts paths of (a grammar: the bytes that
    ///   are tokens by themselves, so that a state's distance is also a number of tokens that reach the end).
    /// - Throws: `GrammarError.tooManyStates` if even the start state does not fit in `maxStates`.
    init(nfa: ByteNFA, maxStates: Int, distanceBytes: ByteSet = ByteSet(0 ... 255)) throws {
        self.nfa = nfa
        self.maxStates = maxStates
        // Refine one class of all bytes by membership in each byte set the NFA reads.
        var byteClass = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for set in nfa.byteSets {
            var renamed: [Int: UInt8] = [:]
            var nextClass = 0
            for byte in 0 ..< 256 {
                let key = Int(byteClass[byte]) * 2 + (set.contains(UInt8(byte)) ? 1 : 0)
                if let known = renamed[key] {
                    byteClass[byte] = known
                } else {
                    renamed[key] = UInt8(nextClass)
                    byteClass[byte] = UInt8(nextClass)
                    nextClass += 1
                }
            }
            classCount = nextClass
        }
        var representative = [UInt8](repeating: 0, count: classCount)
        for byte in (0 ..< 256).reversed() { representative[Int(byteClass[byte])] = UInt8(byte) }
        self.byteClass = byteClass
        self.representative = representative
        self.classCount = classCount
        visitStamp = [UInt32](repeating: 0, count: nfa.count)
        nfaDistances = nfa.distancesToAccept(using: distanceBytes)
        start = try state(for: closure(of: [nfa.start]))
    }

    /// Number of DFA states made so far.
    var stateCount: Int { accepting.count }

    /// Whether the input that led to `state` is in the language.
    func isAccepting(_ state: Int32) -> Bool { accepting[Int(state)] }

    /// The fewest bytes out of `distanceBytes` that lead from `state` (a live state) to an
    /// accepting one: 0 when it accepts, `ByteNFA.unreachable` when no such input does.
    func distance(_ state: Int32) -> Int32 { distances[Int(state)] }

    /// A superset of the bytes after which `state`'s distance is one less (the bytes that start a
    /// shortest completion): those an NFA edge out of the state reads toward an NFA state one
    /// byte closer to the end. Found from the NFA edges, so no transition is made.
    func bytesTowardEnd(_ state: Int32) -> ByteSet {
        var bytes = ByteSet()
        let wanted = distances[Int(state)] - 1
        guard wanted >= 0, wanted != ByteNFA.unreachable - 1 else { return bytes }
        for nfaState in stateSets[Int(state)] {
            for edge in Int(nfa.edgeStarts[Int(nfaState)]) ..< Int(nfa.edgeStarts[Int(nfaState) + 1]) {
                let set = nfa.edgeSets[edge]
                if set != ByteNFA.epsilon && nfaDistances[Int(nfa.edgeTargets[edge])] == wanted {
                    bytes = bytes.union(nfa.byteSets[Int(set)])
                }
            }
        }
        return bytes
    }

    /// The state after reading a byte of class `byteClass` in `state` (a live state), or `dead`.
    @inline(__always)
    mutating func next(_ state: Int32, byteClass: Int) throws -> Int32 {
        let known = transitions[Int(state) * classCount + byteClass]
        if known != Self.unknown { return known }
        return try makeTransition(from: state, byteClass: byteClass)
    }

    /// The state after reading `byte` in `state` (a live state), or `dead`.
    @inline(__always)
    mutating func next(_ state: Int32, byte: UInt8) throws -> Int32 {
        try next(state, byteClass: Int(byteClass[Int(byte)]))
    }

    /// The state after reading `bytes` from `state`, or `dead` as soon as no string of the
    /// language starts with the input.
    mutating func run<Bytes: Sequence>(_ bytes: Bytes, from state: Int32) throws -> Int32 where Bytes.Element == UInt8 {
        var current = state
        for byte in bytes {
            current = try next(current, byte: byte)
            if current == Self.dead { return Self.dead }
        }
        return current
    }

    /// Computes (and records) the transition from `state` on `byteClass`.
    mutating func makeTransition(from state: Int32, byteClass: Int) throws -> Int32 {
        let byte = representative[byteClass]
        var moved: [Int32] = []
        for nfaState in stateSets[Int(state)] {
            for edge in Int(nfa.edgeStarts[Int(nfaState)]) ..< Int(nfa.edgeStarts[Int(nfaState) + 1]) {
                let set = nfa.edgeSets[edge]
                if set != ByteNFA.epsilon && nfa.byteSets[Int(set)].contains(byte) {
                    moved.append(nfa.edgeTargets[edge])
                }
            }
        }
        let target = moved.isEmpty ? Self.dead : try self.state(for: closure(of: moved))
        transitions[Int(state) * classCount + byteClass] = target
        return target
    }

    /// The DFA state for the NFA state set `set`, made if new.
    private mutating func state(for set: [Int32]) throws -> Int32 {
        if set.isEmpty { return Self.dead }
        if let known = stateIDs[set] { return known }
        guard accepting.count < maxStates else { throw GrammarError.tooManyStates(kind: "DFA", limit: maxStates) }
        let id = Int32(accepting.count)
        stateSets.append(set)
        stateIDs[set] = id
        accepting.append(set.contains(nfa.accept))
        var distance = ByteNFA.unreachable
        for nfaState in set { distance = min(distance, nfaDistances[Int(nfaState)]) }
        distances.append(distance)
        transitions.append(contentsOf: repeatElement(Self.unknown, count: classCount))
        return id
    }

    /// The NFA states reachable from `states` without reading that read a byte or accept, sorted.
    private mutating func closure(of states: [Int32]) -> [Int32] {
        stamp &+= 1
        if stamp == 0 {
            for index in visitStamp.indices { visitStamp[index] = 0 }
            stamp = 1
        }
        var result: [Int32] = []
        pending.removeAll(keepingCapacity: true)
        pending.append(contentsOf: states)
        while let state = pending.popLast() {
            guard state >= 0, visitStamp[Int(state)] != stamp else { continue }
            visitStamp[Int(state)] = stamp
            var readsByte = state == nfa.accept
            let edges = Int(nfa.edgeStarts[Int(state)]) ..< Int(nfa.edgeStarts[Int(state) + 1])
            for edge in edges.reversed() {
                if nfa.edgeSets[edge] == ByteNFA.epsilon {
                    pending.append(nfa.edgeTargets[edge])
                } else {
                    readsByte = true
                }
            }
            if readsByte { result.append(state) }
        }
        result.sort()
        return result
    }
}
