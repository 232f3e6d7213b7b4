/// The fewest tokens that lead from each DFA state to an accepting one, filled in lazily.
///
/// A state's distance is taken over its shortest completions in bytes (`LazyDFA.distance`, which
/// counts only bytes that are tokens by themselves): the fewest tokens that spell one of them,
/// every token moving the state one of its bytes closer to the end. Along such a path the byte
/// distance only falls, so the recursion has no cycles, and the walk of the vocabulary trie that
/// finds a state's next tokens follows only the bytes that stay on a shortest completion, which is
/// a few trie nodes rather than the whole trie. The distance is therefore a number of tokens that
/// is always reachable, and never more than the byte distance (spelling the completion byte by
/// byte is one of the paths); it is the exact fewest tokens whenever the completion that is
/// shortest in tokens is also shortest in bytes (JSON texts: closing a string, the fixed keys and
/// punctuation, the shortest number in range), which the tests check against a search over all
/// token sequences.
struct TokenDistanceTable: Sendable {
    /// A state from which no path of tokens along shortest completions reaches an accepting state.
    static let unreachable = Int32.max
    private static let unknown: Int32 = -1

    /// Distance of each DFA state, `unknown` until computed.
    private var distances: [Int32] = []

    /// The token distance of `state` (a live state).
    mutating func distance(of state: Int32, dfa: inout LazyDFA, vocabulary: TokenVocabulary,
                           nodeClasses: [UInt8]) throws -> Int32 {
        if let known = known(state) { return known }
        var successorsByState: [Int32: [Int32]] = [:]
        var pending: [Int32] = [state]
        while let current = pending.last {
            if known(current) != nil {
                pending.removeLast()
                continue
            }
            if dfa.distance(current) == 0 {
                record(0, for: current)
                pending.removeLast()
                continue
            }
            let successors: [Int32]
            if let found = successorsByState[current] {
                successors = found
            } else {
                successors = try Self.successorsOnShortestCompletions(of: current, dfa: &dfa, vocabulary: vocabulary,
                                                                      nodeClasses: nodeClasses)
                successorsByState[current] = successors
            }
            let missing = successors.filter { known($0) == nil }
            if !missing.isEmpty {
                pending.append(contentsOf: missing)
                continue
            }
            let nearest = successors.map { distances[Int($0)] }.min() ?? Self.unreachable
            record(nearest == Self.unreachable ? Self.unreachable : nearest + 1, for: current)
            pending.removeLast()
        }
        return known(state)!
    }

    /// The distance of `state` if computed.
    func known(_ state: Int32) -> Int32? {
        let index = Int(state)
        if index < distances.count, distances[index] != Self.unknown { return distances[index] }
        return nil
    }

    private mutating func record(_ distance: Int32, for state: Int32) {
        let index = Int(state)
        if distances.count <= index {
            distances.append(contentsOf: repeatElement(Self.unknown, count: index + 1 - distances.count))
        }
        distances[index] = distance
    }

    /// The distinct states that tokens lead to from `state` when every byte of the token moves
    /// one byte closer to the end of a shortest completion. Empty for accepting states (byte
    /// distance 0) and for states whose byte distance is unreachable.
    private static func successorsOnShortestCompletions(of state: Int32, dfa: inout LazyDFA, vocabulary: TokenVocabulary,
                                                        nodeClasses: [UInt8]) throws -> [Int32] {
        let total = dfa.distance(state)
        guard total > 0, total != ByteNFA.unreachable else { return [] }
        var successors: [Int32] = []
        // Depth-first over the trie: the children of a node (the root: -1) whose byte may start a
        // shortest completion from the state the node reached.
        var stack: [(node: Int32, parent: Int32)] = []
        func pushChildren(of node: Int, reached: Int32) {
            let toward = dfa.bytesTowardEnd(reached)
            var child = node + 1
            let end = node < 0 ? nodeClasses.count : Int(vocabulary.subtreeEnds[node])
            while child < end {
                if toward.contains(vocabulary.nodeBytes[child]) { stack.append((Int32(child), reached)) }
                child = Int(vocabulary.subtreeEnds[child])
            }
        }
        pushChildren(of: -1, reached: state)
        while let (node, parent) = stack.popLast() {
            let index = Int(node)
            let depth = Int32(vocabulary.nodeDepths[index])
            let reached = try dfa.next(parent, byteClass: Int(nodeClasses[index]))
            guard reached != LazyDFA.dead, dfa.distance(reached) == total - depth else { continue }
            if vocabulary.tokenStarts[index] < vocabulary.tokenStarts[index + 1], !successors.contains(reached) {
                successors.append(reached)
            }
            if dfa.distance(reached) > 0 { pushChildren(of: index, reached: reached) }
        }
        return successors
    }
}
