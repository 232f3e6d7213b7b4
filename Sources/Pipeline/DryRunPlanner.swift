import Digest
import Foundation
import Logging
import Store

/// What a build would do at one stage: items it would reuse, and items it would compute with why.
public struct DryRunStage: Sendable, Equatable {
    /// Why an item would be computed.
    public enum Reason: Hashable, Sendable, Comparable {
        /// The stage never ran into this output folder.
        case firstBuild
        /// Nothing about the stage changed: the input is new (or changed, or failed before).
        case newInput
        /// The config, prompt or model of this stage, or of the earlier stage named, changed since
        /// the last run, so the cache keys of this stage changed.
        case changedConfig(stage: String)
        /// The input is produced by an earlier stage that would compute it first.
        case afterEarlierStages

        public var description: String {
            switch self {
            case .firstBuild: return "first build"
            case .newInput: return "new input"
            case .changedConfig(let stage): return "changed config/prompt/model of \(stage)"
            case .afterEarlierStages: return "after earlier stages"
            }
        }
    }

    public var name: String
    public var reused: Int
    /// Items that would be computed, by reason.
    public var computed: [Reason: Int]

    public var computedTotal: Int { computed.values.reduce(0, +) }
}

/// Works out, without running a model or writing anything, which items of each stage a build
/// would reuse from the manifest and which it would compute, and why. The source stage reads its
/// inputs (it is cheap and its record ids are content hashes); later stages follow the record ids
/// the manifest holds for reused items. Items whose inputs an earlier stage has yet to compute
/// are counted as `afterEarlierStages` (an upper bound: a stage may reject or drop them).
public enum DryRunPlanner {
    /// `manifest` is nil when the output folder has none yet (every item is a first build).
    public static func plan(config: PipelineConfig, stages: [PipelineStage],
                            manifest: Manifest?, logger: Logger) async throws -> [DryRunStage] {
        guard case .source(let source) = stages.first?.shape else {
            throw PipelineError.stage(name: stages.first?.name ?? "-", message: "the first stage must be a source stage")
        }
        let keys = CacheKeys(stages: stages)
        let history = try manifest?.lastConfigHashes() ?? [:]
        /// Why an item of stage `index` missing from the cache would be computed.
        func reason(at index: Int) -> DryRunStage.Reason {
            guard history[stages[index].name] != nil else { return .firstBuild }
            let changed = stages[...index].first { stage in history[stage.name].map { $0 != stage.configHash } ?? false }
            return changed.map { DryRunStage.Reason.changedConfig(stage: $0.name) } ?? .newInput
        }
        /// The record ids an item finished earlier passed on (empty when it is not finished).
        func finishedOutputs(_ stage: String, _ key: String) throws -> [String]? {
            guard let cached = try manifest?.cachedItem(stage: stage, cacheKey: key), !cached.isEmpty else { return nil }
            return cached.filter { !$0.rejected }.map(\.recordID)
        }

        let context = StageContext(runID: "dry-run", pipeline: config, logger: logger, cancellation: Cancellation())
        var first = DryRunStage(name: stages[0].name, reused: 0, computed: [:])
        var known: [String] = []
        let sourceReason = reason(at: 0)
        try await source.produce(context: context, keys: keys.stage(0), finished: try manifest?.finishedKeys(stage: source.name) ?? [:]) { item in
            switch item {
            case let .fresh(_, outcome):
                first.computed[sourceReason, default: 0] += 1
                if case .records(let records) = outcome { known += records.map(\.id) }
            case let .cached(key):
                first.reused += 1
                known += try finishedOutputs(source.name, key) ?? []
            }
        }
        var result = [first]
        var pending = 0
        for (index, stage) in stages.enumerated().dropFirst() {
            var planned = DryRunStage(name: stage.name, reused: 0, computed: [:])
            var next: [String] = []
            let stageReason = reason(at: index)
            for id in known {
                if let outputs = try finishedOutputs(stage.name, keys.stage(index).key(id)) {
                    planned.reused += 1
                    next += outputs
                } else {
                    planned.computed[stageReason, default: 0] += 1
                }
            }
            if pending > 0 { planned.computed[.afterEarlierStages] = pending }
            pending = planned.computedTotal
            known = next
            result.append(planned)
        }
        return result
    }
}
