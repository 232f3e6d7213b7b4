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
        // Candidates: tokens within e^-30 of the best at this temperature (the rest cannot be drawn).
        let cutoff = bestValue - 30 * p.temperature
        var candidates: [(id: Int32, logit: Float)] = []
        for i in 0..<logits.count where logits[i] >= cutoff { candidates.append((Int32(i), logits[i])) }
        candidates.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
        if p.topK > 0 && candidates.count > p.topK { candidates.removeLast(candidates.count - p.topK) }
        var probabilities = candidates.map { exp(($0.logit - bestValue) / p.temperature) }
        if p.minP > 0 {
            let keep = probabilities.prefix { $0 >= p.minP }.count
            candidates.removeLast(candidates.count - max(1, keep))
            probabilities.removeLast(probabilities.count - max(1, keep))
        }
        var total = probabilities.reduce(0, +)
        if p.topP < 1 {
            var running: Float = 0
            var keep = 0
            for value in probabilities {
                running += value
                keep += 1
                if running >= p.topP * total { break }
            }
            probabilities.removeLast(probabilities.count - keep)
            total = probabilities.reduce(0, +)
        }
        var draw = random.nextUnit() * total
        for (i, value) in probabilities.enumerated() {
            draw -= value
            if draw < 0 { return candidates[i].id }
        }
        return candidates[probabilities.count - 1].id
    }
}
