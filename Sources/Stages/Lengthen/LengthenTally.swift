import Foundation

/// What the `lengthen` stage did this run, for the build summary: attempts, how many reached the
/// growth factor, rounds tried and kept.
final class LengthenTally: @unchecked Sendable {
    // @unchecked: the counters are guarded by `lock`.
    private let lock = NSLock()
    private var attempts = 0, accepted = 0, rounds = 0, keptRounds = 0

    func add(accepted: Bool, rounds: Int, kept: Int) {
        lock.withLock {
            attempts += 1
            if accepted { self.accepted += 1 }
            self.rounds += rounds
            keptRounds += kept
        }
    }

    func lines(stage: String, growth: Double) -> [String] {
        lock.withLock {
            guard attempts > 0 else { return [] }
            let rate = 100 * Double(accepted) / Double(attempts)
            return ["\(stage): \(accepted) of \(attempts) responses reached \(growth)× growth (\(String(format: "%.0f", rate))%), "
                    + "\(keptRounds) of \(rounds) rounds kept"]
        }
    }
}
