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
    public let config: PipelineConfig
    private let source: SourceStage
    private let transforms: [StageIdentity]
    private let manifest: Manifest
    private let directory: String
    private let logger: Logger
    private let cancellation: Cancellation
    public let progress: [StageProgress]
    private let loader: RecordLoader
    private let model: ModelHandle?
    private let channelCapacity = 64
    /// Build only this part of the items (`--part I/N`); nil builds all of them.
    public var partition: Partition?
    /// Before running, forget damaged shards and what was derived from them (`--repair`).
    public var repairDamagedShards = false
    /// What the repair dropped (and this run recomputed), once `run` has started.
    public private(set) var repair: RepairReport?

    /// `transforms` are `TransformStage`s or `BarrierStage`s, in pipeline order.
    public init(config: PipelineConfig, source: SourceStage, transforms: [StageIdentity], manifest: Manifest,
                directory: String, logger: Logger, cancellation: Cancellation, model: ModelHandle? = nil) {
        self.config = config
        self.model = model
        self.source = source
        self.transforms = transforms
        self.manifest = manifest
        self.directory = directory
        self.logger = logger
        self.cancellation = cancellation
        progress = ([source.name] + transforms.map(\.name)).map(StageProgress.init(name:))
        var hashes: [String] = []
        for stage in [source] + transforms as [StageIdentity] {
            hashes.append(hashes.last.map { ContentHash.of($0, stage.configHash) } ?? stage.configHash)
        }
        chainedHashes = hashes
        loader = RecordLoader(manifest: manifest)
    }

    /// The hash that keys a stage's items: its own config hash chained with every earlier
    /// stage's, so that a changed prompt or parameter re-runs that stage and every stage after
    /// it (and nothing before).
    public let chainedHashes: [String]

    /// A hash of everything in the pipeline file.
    public var pipelineHash: String { ContentHash.of(config.document.root.jsonString) }

    /// Runs to the end or until cancelled; the manifest records the run either way.
    public func run(runID: String) async throws -> BuildSummary {
        let started = Date()
        try OrphanSweeper.sweep(manifest: manifest)
        try manifest.beginRun(id: runID, pipeline: config.name, pipelineHash: pipelineHash)
        if repairDamagedShards {
            do {
                repair = try DamageRepair.repair(manifest: manifest, stages: ([source] + transforms).map(\.name),
                                                 chainedHashes: chainedHashes, runID: runID, level: config.output.zstdLevel)
            } catch {
                try manifest.finishRun(id: runID, status: "failed", message: "repair: \(error)")
                throw error
            }
        }
        let context = StageContext(runID: runID, pipeline: config, logger: logger, cancellation: cancellation, model: model)
        let writers = ([source] + transforms as [StageIdentity]).map {
            StageWriter(stage: $0.name, dataFolder: $0.outputFolder, runID: runID, directory: directory,
                        settings: config.output, manifest: manifest)
        }
        let channels = transforms.map { _ in BoundedChannel<Record>(capacity: channelCapacity) }
        cancellation.onCancel { channels.forEach { $0.cancel() } }
        progress[0].setTotal((try? source.estimatedItems(context: context)).map { $0 / (partition?.count ?? 1) })

        var failure: Error?
        let work = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.runSource(context: context, writer: writers[0], output: channels.first) }
                for (i, stage) in transforms.enumerated() {
                    let output = i + 1 < channels.count ? channels[i + 1] : nil
                    group.addTask {
                        if let barrier = stage as? BarrierStage {
                            try await self.runBarrier(barrier, index: i + 1, context: context, writer: writers[i + 1],
                                                      input: channels[i], output: output)
                        } else if let transform = stage as? TransformStage {
                            try await self.runTransform(transform, index: i + 1, context: context, writer: writers[i + 1],
                                                        input: channels[i], output: output)
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
            for stage in [source] + transforms as [StageIdentity] where stage.outputFolder != "shards" {
                let dropped = try DatasetCompactor.compact(stage: stage.name, folder: stage.outputFolder, manifest: manifest,
                                                           runID: runID, level: config.output.zstdLevel)
                if dropped > 0 { logger.info("\(stage.name): replaced \(dropped) record(s) by their newer version in \(stage.outputFolder)/") }
            }
        }
        let counts = try saveCounts(runID: runID)
        let usage = try flushUsage(runID: runID)
        let failed = progress.reduce(0) { $0 + $1.snapshot.failed }
        let interruption = failure == nil ? cancellation.cancelReason : nil
        let status = failure != nil ? "failed" : interruption != nil ? "interrupted" : failed > 0 ? "incomplete" : "succeeded"
        try manifest.finishRun(id: runID, status: status, message: failure.map { "\($0)" } ?? interruption)
        if let failure { throw failure }
        return BuildSummary(runID: runID, stages: counts, failedItems: failed,
                            elapsed: Date().timeIntervalSince(started), interruption: interruption, usage: usage)
    }

    private func flushUsage(runID: String) throws -> [UsageRow] {
        guard let model else { return [] }
        var rows: [UsageRow] = []
        for (key, c) in model.meter.drain().sorted(by: { $0.key.stage < $1.key.stage }) {
            let row = UsageRow(stage: key.stage, backend: key.backend, calls: c.calls, retries: c.retries,
                               errors: c.errors, tokensIn: c.tokensIn, tokensOut: c.tokensOut)
            try manifest.addUsage(runID: runID, row)
            rows.append(row)
        }
        return rows
    }

    /// Summary lines contributed by the stages (e.g. words and length scores of the export).
    public var stageSummaries: [String] { ([source] + transforms as [StageIdentity]).flatMap { $0.summaryLines() } }

    private func saveCounts(runID: String) throws -> [StageCounts] {
        let stages: [StageIdentity] = [source] + transforms
        return try zip(stages, progress).map { stage, p in
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
        try await source.produce(context: context, finished: finished) { item in
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

    private func runTransform(_ stage: TransformStage, index: Int, context: StageContext, writer: StageWriter,
                              input: BoundedChannel<Record>, output: BoundedChannel<Record>?) async throws {
        let p = progress[index]
        defer { output?.finish(); p.markFinished() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, stage.concurrency) {
                group.addTask {
                    while !self.cancellation.isCancelled, let record = await input.receive() {
                        let key = ContentHash.of(stage.name, self.chainedHashes[index], record.id)
                        let cached = try self.manifest.cachedItem(stage: stage.name, cacheKey: key)
                        if !cached.isEmpty {
                            p.add(cached: 1)
                            if let output { for r in try self.loader.records(of: cached) { await output.send(r) } }
                            continue
                        }
                        let outcome: StageOutcome
                        do {
                            outcome = try await stage.process(record, context: context)
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

    private func runBarrier(_ stage: BarrierStage, index: Int, context: StageContext, writer: StageWriter,
                            input: BoundedChannel<Record>, output: BoundedChannel<Record>?) async throws {
        let p = progress[index]
        defer { output?.finish(); p.markFinished() }
        while !cancellation.isCancelled, let record = await input.receive() {
            let key = ContentHash.of(stage.name, chainedHashes[index], record.id)
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
