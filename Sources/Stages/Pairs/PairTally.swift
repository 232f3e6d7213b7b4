import Foundation

/// What `make-pairs` did this run, for the build summary: pairs by source, their margins, and
/// rejects by reason.
final class PairTally: @unchecked Sendable {
    // @unchecked: the counters are guarded by `lock`.
    private let lock = NSLock()
    private var pairs: [PairSource: Int] = [:]
    private var margins: [Double] = []
    private var rejects: [String: Int] = [:]
    private var withoutSource = 0

    func add(pair source: PairSource, margin: Double) {
        lock.withLock {
            pairs[source, default: 0] += 1
            if source != .instruction { margins.append(margin) }
        }
    }

    func add(reject reason: String) { lock.withLock { rejects[reason, default: 0] += 1 } }
    func addWithoutSource() { lock.withLock { withoutSource += 1 } }

    func lines(stage: String) -> [String] {
        lock.withLock {
            let total = pairs.values.reduce(0, +)
            guard total + rejects.values.reduce(0, +) + withoutSource > 0 else { return [] }
            var line = "\(stage): \(total) pairs (" + PairSource.allCases.map { "\($0.rawValue) \(pairs[$0] ?? 0)" }.joined(separator: ", ") + ")"
            if !margins.isEmpty {
                line += String(format: ", S_l margin mean %.1f, min %.1f", margins.reduce(0, +) / Double(margins.count), margins.min()!)
            }
            if !rejects.isEmpty { line += "; not paired: " + rejects.keys.sorted().map { "\($0) \(rejects[$0]!)" }.joined(separator: ", ") }
            if withoutSource > 0 { line += "; \(withoutSource) records with no pair source" }
            return [line]
        }
    }
}
