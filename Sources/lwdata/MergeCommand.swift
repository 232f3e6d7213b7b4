import ArgumentParser
import Foundation
import Pipeline
import Store

/// `lwdata merge`: combines the output folders of the parts of a build (`build --part I/N`) into one.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the output folders of `lwdata build --part I/N` into one new folder (one manifest, each item once).",
        discussion: """
            Every folder must hold a finished build of the same pipeline (same stages and stage
            configurations) with intact shards; partitioned folders must be all N parts of one
            partition. Shards are hard-linked when --out is on the same file system, else copied.
            An item met in more than one folder is kept once. The result is verified. A pipeline
            with a dedup-filter stage needs --pipeline: that stage and every later one are then
            decided again over all parts at once (near-duplicates across parts, as one build).
            """)

    @Argument(help: "The output folders to merge, e.g. part-1 part-2 part-3.")
    var folders: [String]

    @Option(name: .long, help: ArgumentHelp("The new folder to merge into (must not hold a build).", valueName: "DIR"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("The pipeline the parts were built with; needed when it has a dedup-filter stage, which merge then decides again over every part.", valueName: "FILE"))
    var pipeline: String?

    func run() async throws {
        let directories = folders.map(Self.trimmed)
        let target = Self.trimmed(out)
        if let overlap = directories.first(where: { Self.sameFolder($0, target) }) {
            Console.error("--out \(target) is one of the folders to merge (\(overlap)); merge into a new folder")
            throw ExitCodes.badConfiguration
        }
        for (i, directory) in directories.enumerated() where directories[..<i].contains(where: { Self.sameFolder($0, directory) }) {
            Console.error("\(directory) is given twice")
            throw ExitCodes.badConfiguration
        }
        var inputs: [Manifest] = []
        var locks: [OutputLock] = []
        defer { locks.forEach { $0.release() } }
        do {
            for directory in directories { inputs.append(try ManifestOpener.open(directory)) }
            try PartitionCoverage.check(try directories.map { ($0, try PartitionRecord.load(directory: $0)) })
            for directory in directories + [target] { locks.append(try OutputLock(directory: directory, owner: "lwdata merge")) }
        } catch {
            if !(error is ExitCode) { Console.error("\(error)") }
            throw ExitCodes.code(for: error, otherwise: ExitCodes.badConfiguration)
        }
        let pipeline: BuiltPipeline
        let output: Manifest
        let barrier: Int?
        do {
            pipeline = try OutputMerger.check(inputs)
            barrier = CrossPartDecisions.firstBarrier(of: pipeline)
            if let barrier {
                guard let file = self.pipeline else { throw CrossPartError.pipelineNeeded(stage: pipeline.stages[barrier].name) }
                try CrossPartDecisions.check(try PipelineConfig.load(file: file), file: file, against: pipeline, from: barrier)
            }
            if FileSystem.fileExists(OutputLayout(directory: target).manifest), try Manifest(directory: target).latestPipeline() != nil {
                throw MergeError.outputInUse(directory: target)
            }
            output = try Manifest(directory: target)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        let report: MergeReport
        do {
            report = try OutputMerger.merge(inputs, pipeline: pipeline, into: output, runID: BuildCommand.newRunID())
        } catch {
            Console.error("merge failed: \(error); remove \(target) and merge again")
            throw ExitCodes.failure
        }
        let forgotten = try barrier.map { try CrossPartDecisions.forget(from: $0, of: pipeline, in: output) }
        let (checked, problems) = try ShardVerifier.verify(output)
        for line in Self.summary(report, output: output, folders: directories.count) { Console.out(line) }
        let serious = problems.filter { $0.kind != .unregistered }
        for problem in serious { Console.error("\(problem.kind.rawValue): \(problem.path): \(problem.detail)") }
        Console.out("verified \(checked) shard(s): \(serious.isEmpty ? "all intact" : "\(serious.count) problem(s)")")
        if !serious.isEmpty { throw ExitCodes.failure }
        guard let barrier, let forgotten, let file = self.pipeline else { return }
        // Decide the barrier stage and what follows over every part at once: a build of the same
        // pipeline into the merged folder reuses every earlier stage and computes only those.
        locks.forEach { $0.release() }
        locks = []
        Console.out("deciding \(pipeline.stages[barrier...].map(\.name).joined(separator: ", ")) again over all parts "
                    + "(\(forgotten) per-part decision(s) forgotten):")
        var build = try BuildCommand.parse([file, "--out", target])
        try await build.run()
    }

    private static func summary(_ report: MergeReport, output: Manifest, folders: Int) -> [String] {
        var lines = ["merged \(folders) folder(s) → \(output.directory): \(report.shardsLinked) shard(s) linked, "
                     + "\(report.shardsCopied) copied, \(report.shardsRewritten) rewritten, \(report.shardsSkipped) left out; "
                     + "\(report.duplicateItems) duplicate item(s) left out"]
        for count in (try? output.itemCounts()) ?? [] {
            lines.append("  \(count.stage.padding(toLength: 16, withPad: " ", startingAt: 0)) \(count.done) done, \(count.rejected) rejected")
        }
        return lines
    }

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private static func sameFolder(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
