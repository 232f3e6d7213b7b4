import Digest
import Foundation
import Logging
import Store

/// How a build ended, per stage.
public struct BuildSummary: Sendable {
    public var runID: String
    public var stages: [StageCounts]
    public var failedItems: Int
    public var elapsed: TimeInterval
    /// Why the build stopped early (a signal), nil when it ran to the end.
    public var interruption: String?
    /// Model calls and tokens of this run, per stage and backend.
    public var usage: [UsageRow]
}

/// Runs a pipeline: the source stage and each transform stage run concurrently, joined by
/// bounded channels. Items already finished (same cache key) are not recomputed; their stored
/// outputs are passed on to later stages that still need them.
public final class PipelineRunner: @unchecked Sendable {
    // @unchecked: `partition` and `repairDamagedShards` are set before `run`, and `repair` only by `run`.
    public let config: PipelineConfig
    /// The stages in pipeline order; the first is the source.
    private let stages: [PipelineStage]
    private let source: any SourceStage
    private let manifest: Manifest
    private let directory: String
    private let logger: Logger
    private let cancellation: Cancellation
    public let progress: [StageProgress]
    private let loader: RecordLoader
    private let models: ModelSet
    private let channelCapacity = 64
    /// Build only this part of the items (`--part I/N`); nil builds all of them.
    public var partition: Partition?
    /// Before running, forget damaged shards and what was derived from them (`--repair`).
    public var repairDamagedShards = false
    /// What the repair dropped (and this run recomputed), once `run` has started.
    public private(set) var repair: RepairReport?
    /// How every stage's items are keyed.
    public let keys: CacheKeys

    /// `stages` come from `StageRegistry.build`: a source stage first, then map and barrier stages.
    public init(config: PipelineConfig, stages: [PipelineStage], manifest: Manifest,
                directory: String, logger: Logger, cancellation: Cancellation, models: ModelSet = ModelSet()) throws {
        guard case .source(let source) = stages.first?.shape else {
            throw PipelineError.stage(name: stages.first?.name ?? "-", message: "the first stage must be a source stage")
        }
        if let misplaced = stages.dropFirst().first(where: { if case .source = $0.shape { return true } else { return false } }) {
            throw PipelineError.stage(name: misplaced.name, message: "a source stage must be the first stage")
        }
        self.config = config
        self.models = models
        self.stages = stages
        self.source = source
        self.manifest = manifest
        self.directory = directory
        self.logger = logger
        self.cancellation = cancellation
        progress = stages.map { StageProgress(name: $0.name) }
        keys = CacheKeys(stages: stages)
        loader = RecordLoader(manifest: manifest)
    }

    /// A hash of everything in the pipeline file.
    public var pipelineHash: String { ContentHash.of(config.document.root.jsonString) }

    /// Runs to the end or until cancelled; the manifest records the run either way.
    public func run(runID: String) async throws -> BuildSummary {
        let started = Date()
        try OrphanSweeper.sweep(manifest: manifest)
        try manifest.beginRun(id: runID, pipeline: config.name, pipelineHash: pipelineHash)
        recordUsage(runID: runID)
        if repairDamagedShards {
            do {
                repair = try DamageRepair.repair(manifest: manifest, keys: keys, runID: runID, level: config.output.zstdLevel)
            } catch {
                try manifest.finishRun(id: runID, status: "failed", message: "repair: \(error)")
                throw error
            }
        }
        let context = StageContext(runID: runID, pipeline: config, logger: logger, cancellation: cancellation, models: models,
                                   progress: Dictionary(uniqueKeysWithValues: progress.map { ($0.name, $0) }))
        let writers = stages.map {
            StageWriter(stage: $0.name, dataFolder: $0.outputFolder, runID: runID, directory: directory,
                        settings: config.output, manifest: manifest)
        }
        let channels = stages.dropFirst().map { _ in BoundedChannel<Record>(capacity: channelCapacity) }
        cancellation.onCancel { channels.forEach { $0.cancel() } }
        progress[0].setTotal((try? source.estimatedItems(context: context)).map { $0 / (partition?.count ?? 1) })

        var failure: Error?
        let work = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.runSource(context: context, writer: writers[0], output: channels.first) }
                for (i, stage) in stages.enumerated().dropFirst() {
                    let input = channels[i - 1]
                    let output = i < channels.count ? channels[i] : nil
                    group.addTask {
                        switch stage.shape {
                        case .source:
                            // `init` accepts a source stage only in the first place.
                            preconditionFailure("source stage \(stage.name) after the first stage")
                        case .map(let map):
                            try await self.runMap(map, stage, index: i, context: context, writer: writers[i], input: input, output: output)
                        case .barrier(let barrier):
                            try await self.runBarrier(barrier, index: i, context: context, writer: writers[i], input: input, output: output)
                        }
                    }
                }
                do {
                    try await group.waitForAll()
                } catch {
                    cancellation.cancel("error: \(error)")
                    throw error
                }
            }
        }
        // A signal stops intake and abandons model calls in flight (their items stay not done).
        cancellation.onCancel { work.cancel() }
        do {
            try await work.value
        } catch {
            if !(error is CancellationError) || cancellation.cancelReason?.hasPrefix("error") == true { failure = error }
        }
        // Finalise what was finished, even after an error or a signal: nothing finished is lost.
        for writer in writers {
            do { try await writer.finish() } catch {
                await writer.abandon()
                if failure == nil { failure = error }
            }
        }
        if failure == nil && cancellation.cancelReason == nil {
            for stage in stages where stage.outputFolder != OutputLayout.shardsFolder {
                let dropped = try DatasetCompactor.compact(stage: stage.name, folder: stage.outputFolder, manifest: manifest,
                                                           runID: runID, level: config.output.zstdLevel)
                if dropped > 0 { logger.info("\(stage.name): replaced \(dropped) record(s) by their newer version in \(stage.outputFolder)/") }
            }
        }
        let counts = try saveCounts(runID: runID)
        let usage = drainUsage()
        let failed = progress.reduce(0) { $0 + $1.snapshot.failed }
        let interruption = failure == nil ? cancellation.cancelReason : nil
        let status = failure != nil ? "failed" : interruption != nil ? "interrupted" : failed > 0 ? "incomplete" : "succeeded"
        try manifest.finishRun(id: runID, status: status, message: failure.map { "\($0)" } ?? interruption)
        if let failure { throw failure }
        return BuildSummary(runID: runID, stages: counts, failedItems: failed,
                            elapsed: Date().timeIntervalSince(started), interruption: interruption, usage: usage)
    }

    /// Records every model call in the manifest as it is made, so that `status` counts the calls of
    /// a run that is killed later.
    private func recordUsage(runID: String) {
        let manifest = manifest, logger = logger
        let progressByStage = Dictionary(uniqueKeysWithValues: progress.map { ($0.name, $0) })
        for model in models.all { model.meter.onRecord { key, call in
            guard call.calls > 0 else { return }
            progressByStage[key.stage]?.add(tokensOut: call.tokensOut)
            do {
                try manifest.addUsage(runID: runID, UsageRow(stage: key.stage, backend: key.backend, calls: call.calls, retries: call.retries,
                                                             errors: call.errors, tokensIn: call.tokensIn, tokensOut: call.tokensOut,
                                                             cost: model.cost(tokensIn: call.tokensIn, tokensOut: call.tokensOut)))
            } catch {
                logger.error("could not record model usage of stage \(key.stage): \(error)")
            }
        } }
    }

    /// This run's model calls and tokens, per stage and backend (already in the manifest).
    private func drainUsage() -> [UsageRow] {
        models.all.flatMap { model in
            model.meter.onRecord(nil)
            return model.meter.drain().map { key, c in
                UsageRow(stage: key.stage, backend: key.backend, calls: c.calls, retries: c.retries,
                         errors: c.errors, tokensIn: c.tokensIn, tokensOut: c.tokensOut, cost: model.cost(tokensIn: c.tokensIn, tokensOut: c.tokensOut))
            }
        }.sorted { ($0.stage, $0.backend) < ($1.stage, $1.backend) }
    }

    /// Summary lines contributed by the stages (e.g. words and length scores of the export).
    public var stageSummaries: [String] { stages.flatMap { $0.summaryLines() } }

    private func saveCounts(runID: String) throws -> [StageCounts] {
        try zip(stages, progress).map { stage, p in
            let s = p.snapshot
            let counts = StageCounts(runID: runID, name: stage.name, kind: stage.kind, processed: s.processed,
                                     cached: s.cached, emitted: s.emitted, rejected: s.rejected)
            try manifest.saveStageCounts(counts, configHash: stage.configHash)
            return counts
        }
    }

    private func runSource(context: StageContext, writer: StageWriter, output: BoundedChannel<Record>?) async throws {
        let p = progress[0]
        defer { output?.finish(); p.markFinished() }
        let finished = try manifest.finishedKeys(stage: source.name)
        try await source.produce(context: context, keys: keys.stage(0), finished: finished) { item in
            switch item {
            case let .fresh(key, outcome):
                guard self.partition?.owns(outcome) ?? true else { return }
                try await writer.write(cacheKey: key, outcome: outcome)
                try await self.forward(outcome, progress: p, to: output)
            case let .cached(key):
                p.add(cached: 1)
                if let output {
                    for record in try self.loader.records(of: try self.manifest.cachedItem(stage: self.source.name, cacheKey: key)) {
                        await output.send(record)
                    }
                }
            }
        }
        // The stage is done: register its last shards now, not when the whole build ends.
        try await writer.finish()
    }

    private func runMap(_ map: any MapStage, _ stage: PipelineStage, index: Int, context: StageContext, writer: StageWriter,
                        input: BoundedChannel<Record>, output: BoundedChannel<Record>?) async throws {
        let p = progress[index]
        let keys = keys.stage(index)
        defer { output?.finish(); p.markFinished() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, stage.concurrency) {
                group.addTask {
                    while !self.cancellation.isCancelled, let record = await input.receive() {
                        let key = keys.key(record.id)
                        let cached = try self.manifest.cachedItem(stage: stage.name, cacheKey: key)
                        if !cached.isEmpty {
                            p.add(cached: 1)
                            if let output { for r in try self.loader.records(of: cached) { await output.send(r) } }
                            continue
                        }
                        let outcome: StageOutcome
                        do {
                            // Records outside the stage's `select:` pass it unchanged.
                            outcome = stage.selector.map { $0.selects(record) } ?? true
                                ? try await map.process(record, context: context) : .records([record])
                        } catch {
                            if self.cancellation.isCancelled { break }
                            p.add(failed: 1)
                            self.logger.error("stage \(stage.name): item \(record.id) failed (will be retried by the next build): \(error)")
                            continue
                        }
                        try await writer.write(cacheKey: key, outcome: outcome)
                        try await self.forward(outcome, progress: p, to: output)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await writer.finish()
        if input.isFinished { p.setTotal(input.sentCount) }
    }

    private func runBarrier(_ stage: any BarrierStage, index: Int, context: StageContext, writer: StageWriter,
                            input: BoundedChannel<Record>, output: BoundedChannel<Record>?) async throws {
        let p = progress[index]
        defer { output?.finish(); p.markFinished() }
        while !cancellation.isCancelled, let record = await input.receive() {
            let key = keys.stage(index).key(record.id)
            let cached = try manifest.cachedItem(stage: stage.name, cacheKey: key)
            if cached.isEmpty {
                try await stage.collect(record, cacheKey: key, context: context)
                continue
            }
            p.add(cached: 1)
            for kept in try loader.records(of: cached) {
                try await stage.observeKept(kept)
                if let output { await output.send(kept) }
            }
        }
        // A cancelled barrier decides nothing: its items stay not done and the next build redoes them.
        guard !cancellation.isCancelled else { return }
        for (key, outcome) in try await stage.finish(context: context) {
            try await writer.write(cacheKey: key, outcome: outcome)
            try await forward(outcome, progress: p, to: output)
        }
        try await writer.finish()
    }

    private func forward(_ outcome: StageOutcome, progress p: StageProgress, to output: BoundedChannel<Record>?) async throws {
        switch outcome {
        case .records(let records):
            p.add(processed: 1, emitted: records.count)
            if let output { for record in records { await output.send(record) } }
        case .rejected:
            p.add(processed: 1, rejected: 1)
        }
    }
}
