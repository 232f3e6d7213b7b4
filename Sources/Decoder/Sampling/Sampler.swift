import Foundation

/// Turns logits into the next token: penalties, then temperature, top-k, min-p and top-p, then a
/// seeded draw (or the most likely token at temperature 0).
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: SeededRandom

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        random = SeededRandom(seed: parameters.seed)
    }

    /// Applies repetition, frequency and presence penalties for the recent `history`.
    public func applyPenalties(_ logits: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>) {
        let p = parameters
        guard p.repetitionPenalty != 1 || p.frequencyPenalty != 0 || p.presencePenalty != 0 else { return }
        var counts: [Int32: Int] = [:]
        for token in history.suffix(p.penaltyWindow) { counts[token, default: 0] += 1 }
        for (token, count) in counts where Int(token) < logits.count {
            var value = logits[Int(token)]
            if p.repetitionPenalty != 1 { value = value > 0 ? value / p.repetitionPenalty : value * p.repetitionPenalty }
            value -= Float(count) * p.frequencyPenalty + p.presencePenalty
            logits[Int(token)] = value
        }
    }

    /// Picks a token among the finite logits (call after penalties and masks).
    public mutating func pick(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        var bestValue = -Float.infinity
        for i in 0..<logits.count where logits[i] > bestValue {
            bestValue = logits[i]
            best = i
        }
        let p = parameters
        guard p.temperature > 0, bestValue.isFinite else { return Int32(best) }
        // Candidates: tokens within e^-30 of the best at this temperature (the rest cannot be
        // drawn), and with min-p at least p × the best's probability.
        var cutoff = bestValue - 30 * p.temperature
        if p.minP > 0 { cutoff = max(cutoff, bestValue + p.temperature * log(p.minP)) }
        var candidates: [Candidate] = []
        for i in 0..<logits.count where logits[i] >= cutoff {
            candidates.append(Candidate(id: Int32(i), weight: exp((logits[i] - bestValue) / p.temperature), logit: logits[i]))
        }
        if p.topK <= 0 && p.topP >= 1 { return draw(from: candidates[...]) }
        // Most likely first (ties: lower id first), taken from a heap only as far as top-k and
        // top-p need: a full sort of tens of thousands of candidates per token is measurable.
        var heap = CandidateHeap(candidates)
        var kept: [Candidate] = []
        if p.topK > 0 {
            while kept.count < p.topK, let next = heap.popFirst() { kept.append(next) }
        }
        if p.topP < 1 {
            let total = p.topK > 0 ? kept.reduce(0) { $0 + $1.weight } : candidates.reduce(0) { $0 + $1.weight }
            var running: Float = 0
            var keep = 0
            while running < p.topP * total {
                let next: Candidate
                if keep < kept.count {
                    next = kept[keep]
                } else if p.topK <= 0, let popped = heap.popFirst() {
                    kept.append(popped)
                    next = popped
                } else {
                    break
                }
                running += next.weight
                keep += 1
            }
            kept.removeLast(kept.count - max(1, keep))
        }
        return draw(from: kept[...])
    }

    /// A seeded draw proportional to the weights.
    private mutating func draw(from candidates: ArraySlice<Candidate>) -> Int32 {
        let total = candidates.reduce(0) { $0 + $1.weight }
        var draw = random.nextUnit() * total
        for candidate in candidates {
            draw -= candidate.weight
            if draw < 0 { return candidate.id }
        }
        return candidates.last!.id
    }
}

/// A token that can be drawn: its logit and its weight e^((logit − best) / temperature).
struct Candidate {
    let id: Int32
    let weight: Float
    let logit: Float

    /// Order of likelihood: higher logit first, then lower id.
    func precedes(_ other: Candidate) -> Bool { logit > other.logit || (logit == other.logit && id < other.id) }
}

/// A binary heap giving candidates most likely first.
struct CandidateHeap {
    private var items: [Candidate]

    init(_ candidates: [Candidate]) {
        items = candidates
        var i = items.count / 2 - 1
        while i >= 0 {
            siftDown(i)
            i -= 1
        }
    }

    mutating func popFirst() -> Candidate? {
        guard !items.isEmpty else { return nil }
        let first = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return first
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var top = parent
            if left < items.count && items[left].precedes(items[top]) { top = left }
            if right < items.count && items[right].precedes(items[top]) { top = right }
            if top == parent { return }
            items.swapAt(parent, top)
            parent = top
        }
    }
}
