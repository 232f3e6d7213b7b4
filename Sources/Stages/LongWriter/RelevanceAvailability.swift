import Foundation
import Logging
import Pipeline

/// Decides, per record, whether the write stage scores sections: never when relevance is `off`;
/// with `on`, a missing encoder is an error (the item fails, naming the stage); with `auto`, it is
/// a warning logged once per stage, and the sections go unscored.
final class RelevanceAvailability: Sendable {
    private let lock = NSLock()
    // Guarded by `lock`: whether the `auto` warning was logged.
    nonisolated(unsafe) private var warned = false

    /// The scorer for a record written for `instruction`, or nil when sections go unscored.
    func scorer(_ settings: WriteRelevanceSettings, instruction: String, stage: String, context: StageContext) throws -> RelevanceScorer? {
        guard settings.scores else { return nil }
        do {
            return RelevanceScorer(embedder: try context.models.encoder.embedder(forStage: stage), instruction: instruction)
        } catch {
            guard settings.mode == .auto else { throw error }
            let first = lock.withLock { () -> Bool in
                defer { warned = true }
                return !warned
            }
            if first {
                context.logger.warning("\(error); writing without section relevance or best-of-N (relevance: auto; set relevance: off to silence this, or on to make it an error)")
            }
            return nil
        }
    }
}
