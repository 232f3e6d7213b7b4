import Foundation
import Testing
@testable import Decoder

@Suite("Sampler")
struct SamplerTests {
    /// Draws `count` tokens from fixed `logits` with one sampler (one seeded stream).
    private static func draws(_ logits: [Float], _ parameters: SamplingParameters, count: Int) -> [Int32] {
        var sampler = Sampler(parameters)
        return logits.withUnsafeBufferPointer { buffer in (0 ..< count).map { _ in sampler.pick(buffer) } }
    }

    private static func frequencies(_ tokens: [Int32], size: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: size)
        for token in tokens { counts[Int(token)] += 1 }
        return counts.map { $0 / Double(tokens.count) }
    }

    private static func softmax(_ logits: [Float], temperature: Float) -> [Double] {
        let scaled = logits.map { Double($0 / temperature) }
        let top = scaled.max()!
        let weights = scaled.map { exp($0 - top) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    @Test("temperature 0 always takes the most likely token, the first of equals")
    func greedy() {
        let logits: [Float] = [0.5, 3, -1, 3, 2.9]
        #expect(Self.draws(logits, SamplingParameters(temperature: 0, seed: 1), count: 20).allSatisfy { $0 == 1 })
    }

    @Test("the same seed gives the same draws; another seed different ones")
    func seeded() {
        var random = SeededTestRandom(seed: 5)
        let logits = (0 ..< 1000).map { _ in Float.random(in: -2 ... 2, using: &random) }
        let p = SamplingParameters(temperature: 1, seed: 42)
        let first = Self.draws(logits, p, count: 64)
        #expect(first == Self.draws(logits, p, count: 64))
        var other = p
        other.seed = 43
        #expect(first != Self.draws(logits, other, count: 64))
        #expect(Set(first).count > 30, "draws spread over the vocabulary")
    }

    @Test("draws follow softmax(logits / temperature)", arguments: [Float(1), 0.5, 2])
    func temperature(_ temperature: Float) {
        let logits: [Float] = [2, 1, 0, -1, 0.5]
        let observed = Self.frequencies(Self.draws(logits, SamplingParameters(temperature: temperature, seed: 7), count: 20_000), size: 5)
        for (o, e) in zip(observed, Self.softmax(logits, temperature: temperature)) {
            #expect(abs(o - e) < 0.015, "observed \(observed)")
        }
    }

    @Test("top-k keeps the k most likely tokens, renormalised")
    func topK() {
        let logits: [Float] = [0, 3, 1, 2.5, -4]
        let observed = Self.frequencies(Self.draws(logits, SamplingParameters(temperature: 1, topK: 2, seed: 3), count: 10_000), size: 5)
        let kept = Self.softmax([3, 2.5], temperature: 1)
        #expect(observed[0] == 0 && observed[2] == 0 && observed[4] == 0)
        #expect(abs(observed[1] - kept[0]) < 0.02 && abs(observed[3] - kept[1]) < 0.02)
    }

    @Test("top-p keeps the smallest most-likely set reaching p; min-p drops tokens below p × the best")
    func nucleusAndMinP() {
        let probabilities: [Float] = [0.5, 0.3, 0.15, 0.05]
        let logits = probabilities.map { log($0) }
        let nucleus = Set(Self.draws(logits, SamplingParameters(temperature: 1, topP: 0.7, seed: 9), count: 2000))
        #expect(nucleus == [0, 1])
        let wide = Set(Self.draws(logits, SamplingParameters(temperature: 1, topP: 0.9, seed: 9), count: 2000))
        #expect(wide == [0, 1, 2])
        let minP = Set(Self.draws(logits, SamplingParameters(temperature: 1, minP: 0.4, seed: 9), count: 2000))
        #expect(minP == [0, 1], "0.15 / 0.5 = 0.3 is below min-p 0.4")
        let all = Set(Self.draws(logits, SamplingParameters(temperature: 1, seed: 9), count: 2000))
        #expect(all == [0, 1, 2, 3])
    }

    @Test("repetition, frequency and presence penalties follow their formulas over the window")
    func penalties() {
        let logits: [Float] = [2, -2, 1, 0.5]
        let history: [Int32] = [3, 0, 1, 1]
        let p = SamplingParameters(repetitionPenalty: 2, frequencyPenalty: 0.5, presencePenalty: 0.25, penaltyWindow: 3)
        var penalised = logits
        penalised.withUnsafeMutableBufferPointer { Sampler(p).applyPenalties($0, history: history[...]) }
        // Window: the last 3 tokens (0, 1, 1); token 3 is outside it.
        // Repetition divides positive logits and multiplies negative ones; then count × frequency + presence.
        let expected: [Float] = [2 / 2 - 1 * 0.5 - 0.25, -2 * 2 - 2 * 0.5 - 0.25, 1, 0.5]
        #expect(penalised == expected)
        var untouched = logits
        untouched.withUnsafeMutableBufferPointer { Sampler(SamplingParameters()).applyPenalties($0, history: history[...]) }
        #expect(untouched == logits)
    }
}
