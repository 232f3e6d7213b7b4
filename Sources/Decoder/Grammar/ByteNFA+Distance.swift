extension ByteNFA {
    /// Marks a state from which the accepting state cannot be reached.
    static let unreachable = Int32.max

    /// For each state, the fewest bytes out of `usable` that lead from it to the accepting state
    /// (`unreachable` when none do): a breadth-first search backwards from the accepting state in
    /// which edges that read nothing cost 0, edges that can read a usable byte cost 1, and the
    /// others cannot be taken.
    func distancesToAccept(using usable: ByteSet) -> [Int32] {
        let setIsUsable = byteSets.map { $0.intersects(usable) }
        // Incoming edges of each state, as (source, reads a byte).
        var incomingStarts = [Int32](repeating: 0, count: count + 1)
        for target in edgeTargets { incomingStarts[Int(target) + 1] += 1 }
        for state in 0 ..< count { incomingStarts[state + 1] += incomingStarts[state] }
        var fill = incomingStarts
        var sources = [Int32](repeating: 0, count: edgeTargets.count)
        var readsByte = [Bool](repeating: false, count: edgeTargets.count)
        for state in 0 ..< count {
            for edge in Int(edgeStarts[state]) ..< Int(edgeStarts[state + 1]) {
                if edgeSets[edge] != Self.epsilon && !setIsUsable[Int(edgeSets[edge])] { continue }
                let target = Int(edgeTargets[edge])
                let slot = Int(fill[target])
                sources[slot] = Int32(state)
                readsByte[slot] = edgeSets[edge] != Self.epsilon
                fill[target] += 1
            }
        }
        var distances = [Int32](repeating: Self.unreachable, count: count)
        distances[Int(accept)] = 0
        var level: Int32 = 0
        var current: [Int32] = [accept]
        var next: [Int32] = []
        while !current.isEmpty {
            while let state = current.popLast() {
                // A state queued for a farther level may since have been reached at this one.
                guard distances[Int(state)] == level else { continue }
                for slot in Int(incomingStarts[Int(state)]) ..< Int(incomingStarts[Int(state) + 1]) {
                    let source = Int(sources[slot])
                    let cost = readsByte[slot] ? level + 1 : level
                    guard cost < distances[source] else { continue }
                    distances[source] = cost
                    if readsByte[slot] { next.append(Int32(source)) } else { current.append(Int32(source)) }
                }
            }
            swap(&current, &next)
            level += 1
        }
        return distances
    }
}
