/// Byte-pair merging of one word: repeatedly merges the adjacent pair whose rule has the lowest
/// rank (the leftmost such pair on ties) until no rule applies, exactly as Hugging Face's BPE
/// model does.
enum BPEMerge {
    /// Words up to this many symbols are merged by rescanning a small array of pair ranks;
    /// longer ones through a priority queue over a linked list.
    static let scanLimit = 48

    /// Merges the `count` symbols at `ids` in place; returns how many symbols are left.
    @inline(__always)
    static func merge(_ ids: UnsafeMutablePointer<Int32>, count: Int, rules: MergeTable) -> Int {
        if count < 2 { return count }
        if count <= scanLimit { return mergeByScanning(ids, count: count, rules: rules) }
        return mergeByQueue(ids, count: count, rules: rules)
    }

    private static let noRule = MergeTable.Rule(rank: .max, merged: -1)

    private static func mergeByScanning(_ ids: UnsafeMutablePointer<Int32>, count: Int, rules: MergeTable) -> Int {
        withUnsafeTemporaryAllocation(of: MergeTable.Rule.self, capacity: count) { pairs in
            var count = count
            for index in 0 ..< count - 1 {
                pairs[index] = rules.rule(ids[index], ids[index + 1]) ?? noRule
            }
            while count > 1 {
                var best = 0
                var bestRank = pairs[0].rank
                for index in 1 ..< count - 1 where pairs[index].rank < bestRank {
                    best = index
                    bestRank = pairs[index].rank
                }
                if bestRank == .max { break }
                ids[best] = pairs[best].merged
                // Drop symbol best + 1 and pair best + 1 ... (pair best is recomputed below).
                for index in best + 1 ..< count - 1 {
                    ids[index] = ids[index + 1]
                    pairs[index] = pairs[index + 1]
                }
                count -= 1
                if best > 0 { pairs[best - 1] = rules.rule(ids[best - 1], ids[best]) ?? noRule }
                if best < count - 1 { pairs[best] = rules.rule(ids[best], ids[best + 1]) ?? noRule }
            }
            return count
        }
    }

    /// A candidate merge of the symbols at `left` and `right`, valid while both still hold the
    /// ids they had when it was queued and are still neighbours.
    private struct Candidate {
        var rank: Int32
        var left: Int32
        var right: Int32
        var leftID: Int32
        var rightID: Int32
        var merged: Int32

        @inline(__always)
        func precedes(_ other: Candidate) -> Bool {
            rank != other.rank ? rank < other.rank : left < other.left
        }
    }

    private static func mergeByQueue(_ ids: UnsafeMutablePointer<Int32>, count: Int, rules: MergeTable) -> Int {
        var next = [Int32](0 ..< Int32(count)).map { $0 + 1 }
        var previous = [Int32](0 ..< Int32(count)).map { $0 - 1 }
        next[count - 1] = -1
        var queue = CandidateQueue()
        func consider(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let leftID = ids[Int(left)], rightID = ids[Int(right)]
            if let rule = rules.rule(leftID, rightID) {
                queue.push(Candidate(rank: rule.rank, left: left, right: right,
                                     leftID: leftID, rightID: rightID, merged: rule.merged))
            }
        }
        for index in 0 ..< Int32(count - 1) { consider(index, index + 1) }
        while let candidate = queue.pop() {
            let left = Int(candidate.left), right = Int(candidate.right)
            guard next[left] == candidate.right, ids[left] == candidate.leftID, ids[right] == candidate.rightID else {
                continue
            }
            ids[left] = candidate.merged
            ids[right] = -1
            let after = next[right]
            next[left] = after
            if after >= 0 { previous[Int(after)] = candidate.left }
            next[right] = -1
            consider(previous[left], candidate.left)
            consider(candidate.left, after)
        }
        var kept = 0
        var index: Int32 = 0
        while index >= 0 {
            ids[kept] = ids[Int(index)]
            kept += 1
            index = next[Int(index)]
        }
        return kept
    }

    /// Binary min-heap of candidates by (rank, left position).
    private struct CandidateQueue {
        private var heap: [Candidate] = []

        mutating func push(_ candidate: Candidate) {
            heap.append(candidate)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].precedes(heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Candidate? {
            guard let top = heap.first else { return nil }
            let last = heap.removeLast()
            guard !heap.isEmpty else { return top }
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
            return top
        }
    }
}
