extension LazyDFA {
    /// Adds to `mask` every token of `vocabulary` whose bytes lead from `state` to a live state,
    /// walking the vocabulary trie once: a subtree is skipped as soon as its prefix dies.
    /// - Parameter nodeClasses: the byte class of each trie node (`byteClass` of its byte).
    /// - Returns: the largest byte distance to the end (`distance`) among the states the added
    ///   tokens lead to (0 when none is added).
    mutating func addLiveTokens(from state: Int32, vocabulary: TokenVocabulary, nodeClasses: [UInt8],
                                to mask: inout TokenMask) throws -> Int32 {
        var farthest: Int32 = 0
        var stateAtDepth = [Int32](repeating: Self.dead, count: vocabulary.maxDepth + 1)
        stateAtDepth[0] = state
        var node = 0
        while node < nodeClasses.count {
            // Walk with the transition table as it is until a transition is missing; make it, go on.
            node = stateAtDepth.withUnsafeMutableBufferPointer { stack in
                mask.withUnsafeMutableWords { words in
                    vocabulary.withTrie { trie in
                        transitions.withUnsafeBufferPointer { table in
                            distances.withUnsafeBufferPointer { distances in
                                nodeClasses.withUnsafeBufferPointer { classes in
                                    Self.walk(from: node, trie: trie, classes: classes, table: table, classCount: classCount,
                                              distances: distances, farthest: &farthest, stack: stack, words: words)
                                }
                            }
                        }
                    }
                }
            }
            if node < nodeClasses.count {
                let depth = vocabulary.nodeDepths[node]
                _ = try makeTransition(from: stateAtDepth[Int(depth) - 1], byteClass: Int(nodeClasses[node]))
            }
        }
        return farthest
    }

    /// Walks the trie from `node` on, and returns where it stopped: the end, or a node whose
    /// transition is not known yet. Raises `farthest` to the byte distance of each state a token reaches.
    private static func walk(from start: Int, trie: TokenVocabulary.Trie, classes: UnsafeBufferPointer<UInt8>,
                             table: UnsafeBufferPointer<Int32>, classCount: Int, distances: UnsafeBufferPointer<Int32>,
                             farthest: inout Int32, stack: UnsafeMutableBufferPointer<Int32>,
                             words: UnsafeMutableBufferPointer<UInt64>) -> Int {
        var node = start
        let count = classes.count
        while node < count {
            let depth = Int(trie.depths[node])
            let next = table[Int(stack[depth - 1]) * classCount + Int(classes[node])]
            if next < 0 {
                if next == unknown { return node }
                node = Int(trie.subtreeEnds[node])
                continue
            }
            stack[depth] = next
            var token = Int(trie.tokenStarts[node])
            let end = Int(trie.tokenStarts[node + 1])
            if token < end { farthest = max(farthest, distances[Int(next)]) }
            while token < end {
                let id = Int(trie.tokenIDs[token])
                words[id >> 6] |= 1 << UInt64(id & 63)
                token += 1
            }
            node += 1
        }
        return node
    }
}

extension TokenVocabulary {
    /// The trie arrays, for a walk.
    struct Trie {
        var depths: UnsafeBufferPointer<UInt8>
        var subtreeEnds: UnsafeBufferPointer<Int32>
        var tokenStarts: UnsafeBufferPointer<Int32>
        var tokenIDs: UnsafeBufferPointer<Int32>
    }

    func withTrie<Result>(_ body: (Trie) -> Result) -> Result {
        nodeDepths.withUnsafeBufferPointer { depths in
            subtreeEnds.withUnsafeBufferPointer { ends in
                tokenStarts.withUnsafeBufferPointer { starts in
                    tokenIDs.withUnsafeBufferPointer { ids in
                        body(Trie(depths: depths, subtreeEnds: ends, tokenStarts: starts, tokenIDs: ids))
                    }
                }
            }
        }
    }
}

extension LazyDFA {
    /// Calls `body` with each trie node at which tokens end whose bytes lead from `state` to a
    /// live state, and with that state, in trie order. Reads the transition table only: call it
    /// after `addLiveTokens` from `state`, which made every transition this walk follows.
    func forEachTokenEnd(from state: Int32, vocabulary: TokenVocabulary, nodeClasses: [UInt8],
                         _ body: (_ node: Int, _ reached: Int32) -> Void) {
        var stack = [Int32](repeating: Self.dead, count: vocabulary.maxDepth + 1)
        stack[0] = state
        vocabulary.withTrie { trie in
            transitions.withUnsafeBufferPointer { table in
                nodeClasses.withUnsafeBufferPointer { classes in
                    var node = 0
                    while node < classes.count {
                        let depth = Int(trie.depths[node])
                        let next = table[Int(stack[depth - 1]) * classCount + Int(classes[node])]
                        if next < 0 {
                            // Dead, or (never after addLiveTokens) not made yet: nothing below is allowed.
                            node = Int(trie.subtreeEnds[node])
                            continue
                        }
                        stack[depth] = next
                        if trie.tokenStarts[node] < trie.tokenStarts[node + 1] { body(node, next) }
                        node += 1
                    }
                }
            }
        }
    }
}
