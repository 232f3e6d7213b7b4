import ArgumentParser
import Foundation
import Logging
import Pipeline
import Stages
import Store

/// `lwdata build`: runs a pipeline into an output folder, resuming what an earlier run left.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Run a pipeline (pipelines/*.yaml) into an output folder; re-runs resume and reuse finished items.")

    @Argument(help: "The pipeline file, e.g. pipelines/mine.yaml.")
    var pipeline: String

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Print only errors (for cron).")
    var quiet = false

    @Option(name: .long, help: "GGUF model for the built-in backend (overrides the pipeline's model.path and LWDATA_MODEL).")
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Build only part I of N: a deterministic hash partition of the items, e.g. 2/4 (one folder per part; combine them with `lwdata merge`).", valueName: "I/N"))
    var part: String?

    @Flag(name: .long, help: "First forget the shards `lwdata verify` finds missing or damaged, and what later stages derived from them; the build then recomputes exactly those items.")
    var repair = false

    @Flag(name: .long, help: "Print what a build would compute and reuse at each stage, and why; loads no model, takes no lock, writes nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Append log lines (info and up, whatever --quiet says), errors and the summary to FILE.", valueName: "FILE"))
    var logFile: String?

    func run() async throws {
        let logger: Logger
        do {
            logger = Console.bootstrapLogging(quiet: quiet, logFile: try logFile.map(LogFile.init(path:)))
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        var config: PipelineConfig
        let partition: Partition?
        do {
            partition = try part.map(Partition.init(parsing:)).flatMap { $0.count > 1 ? $0 : nil }
            // Every error of the file is reported, not only the first.
            let errors = ConfigErrorCollector()
            config = try PipelineConfig(document: ConfigDocument(file: pipeline), errors: errors)
            _ = try errors.attempt { try StageRegistry.build(config) }
            _ = try errors.attempt { try config.inputFiles() }
            try errors.finish()
            if let model {
                config.model.path = (model as NSString).standardizingPath
                if !config.model.path!.hasPrefix("/") { config.model.path = FileManager.default.currentDirectoryPath + "/" + model }
            }
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        for file in config.emptyInputFiles() { logger.warning("input \(file) is empty: it adds nothing to the build") }
        let directory = output.directory
        if dryRun {
            do { try await DryRunReport.run(config: config, directory: directory, logger: logger) } catch {
                Console.error("\(error)")
                throw ExitCodes.badConfiguration
            }
            return
        }
        let lock: OutputLock
        do {
            lock = try OutputLock(directory: directory, owner: "lwdata build \(pipeline)")
        } catch let error as StoreError {
            let code = ExitCodes.code(for: error, otherwise: ExitCodes.failure)
            // An overlapping scheduled build is expected, not an error: --quiet keeps it off stderr.
            if code == ExitCodes.busy && quiet { Console.logFile?.append("notice", "\(error)") } else { Console.error("\(error)") }
            throw code
        }
        defer { lock.release() }

        let cancellation = Cancellation()
        let signals = SignalWatcher(cancellation: cancellation, logger: logger)
        defer { signals.stop() }
        let models: ModelSet
        let stages: [PipelineStage]
        do {
            models = try ModelHandleFactory.makeSet(config, outputDirectory: directory)
            stages = try StageRegistry.build(config, modelIdentity: models.pipeline?.identity,
                                             stageModelIdentities: models.byStage.mapValues(\.identity),
                                             encoderIdentity: models.encoder.identity)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        let runner: PipelineRunner
        do {
            let manifest = try Manifest(directory: directory)
            runner = try PipelineRunner(config: config, stages: stages, manifest: manifest,
                                        directory: directory, logger: logger, cancellation: cancellation, models: models)
            try PartitionRecord.claim(partition, directory: directory, folderHasItems: !manifest.itemCounts().isEmpty)
            runner.partition = partition
            runner.repairDamagedShards = repair
        } catch {
            Console.error("\(error)")
            throw ExitCodes.code(for: error, otherwise: ExitCodes.failure)
        }
        let style: ProgressReporter.Style = quiet ? .silent : Console.stderrIsTerminal ? .terminal : .log
        let reporter = ProgressReporter(stages: runner.progress, style: style, logger: logger)
        reporter.start()
        let summary: BuildSummary
        do {
            summary = try await runner.run(runID: Self.newRunID())
            reporter.stop()
        } catch {
            reporter.stop()
            runner.repair.map { $0.summaryLines.forEach { Console.error($0) } }
            Console.error("build failed: \(error)")
            throw ExitCodes.code(for: error, otherwise: ExitCodes.failure)
        }
        if !quiet, let repair = runner.repair { repair.summaryLines.forEach(Console.out) }
        let dataset = try? Manifest(directory: directory)
        let rejects = (try? dataset?.rejectCounts()) ?? []
        let quality = (dataset.flatMap { try? DatasetReport(manifest: $0) }?.quality.lines()) ?? []
        let report = BuildReport.text(summary, stageLines: runner.stageSummaries + quality, rejects: rejects, directory: directory)
        if !quiet { Console.out(report) }
        Console.logFile?.append("info", report)
        if let interruption = summary.interruption {
            Console.error("stopped by \(interruption); finished shards are kept, re-run the same command to resume")
            throw ExitCodes.interrupted
        }
        if summary.failedItems > 0 {
            Console.error("\(summary.failedItems) item(s) failed; re-run the same command to retry them")
            throw ExitCodes.failure
        }
        // A part's folder holds part of the dataset: `lwdata merge` combines the parts, then publishes.
        if partition == nil {
            do {
                let card = { (release: Release) throws -> String in
                    try DatasetCardWriter.markdown(directory: directory, release: release, config: config)
                }
                if let line = try ReleaseStep.publish(directory: directory, runID: summary.runID, card: card) {
                    if !quiet { Console.out(line) }
                    Console.logFile?.append("info", line)
                }
            } catch {
                Console.error("the build succeeded but publishing its release failed: \(error)")
                throw ExitCodes.failure
            }
        }
        // A damaged input file is bad input: what could be read of it and the other inputs was built.
        var damaged: [String] = []
        if case .source(let source) = stages.first?.shape, let reporting = source as? InputDamageReporting {
            damaged = reporting.inputDamage.messages
        }
        if !damaged.isEmpty {
            Console.error("\(damaged.count) damaged input file(s); the rest was built, replace them and re-run:")
            damaged.forEach { Console.error("  \($0)") }
            throw ExitCodes.badConfiguration
        }
    }

    /// A sortable, unique run id: UTC time plus a random suffix.
    static func newRunID() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return formatter.string(from: Date()) + "-" + String(repeating: "0", count: 8 - suffix.count) + suffix
    }
}

/// Turns SIGINT and SIGTERM into a cancellation: stop intake, finish open shards, exit 130.
final class SignalWatcher {
    private var sources: [DispatchSourceSignal] = []

    init(cancellation: Cancellation, logger: Logger) {
        for (signo, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler {
                if cancellation.isCancelled {
                    logger.error("\(name) again: exiting now; unfinished shards are discarded and redone next run")
                    exit(ExitCodes.interrupted.rawValue)
                }
                logger.warning("\(name): finishing open shards, then exiting (press again to exit at once)")
                cancellation.cancel(name)
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        sources.forEach { $0.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
