#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Why `lwdata merge` refused or failed; each case names the folder or file.
public enum MergeError: Error, CustomStringConvertible, Sendable {
    case nothingBuilt(directory: String)
    case unfinished(directory: String, runID: String, status: String)
    case damaged(directory: String, problems: [ShardProblem])
    case pipelineMismatch(directory: String, expected: String, found: String)
    case outputInUse(directory: String)
    case fileExists(path: String)

    public var description: String {
        switch self {
        case let .nothingBuilt(directory):
            return "\(directory): no build was ever run into this folder"
        case let .unfinished(directory, runID, status):
            return "\(directory): its last build (run \(runID)) ended \(status); re-run the same `lwdata build` to finish it, then merge"
        case let .damaged(directory, problems):
            return "\(directory): \(problems.count) damaged shard(s): "
                + problems.map { "\($0.kind.rawValue) \($0.path)" }.joined(separator: ", ")
                + "; run `lwdata build … --repair` there first"
        case let .pipelineMismatch(directory, expected, found):
            return "\(directory) was built with another pipeline: \(found), not \(expected); only parts of one pipeline merge"
        case let .outputInUse(directory):
            return "\(directory) already holds a build (or a merge that did not finish); merge into a new folder, or remove it first"
        case let .fileExists(path):
            return "\(path) already exists in the merged folder"
        }
    }
}

/// What a merge did.
public struct MergeReport: Sendable {
    /// Shards hard-linked (same file system) or copied unchanged.
    public var shardsLinked = 0
    public var shardsCopied = 0
    /// Shards rewritten without items another folder already gave, and shards left out entirely.
    public var shardsRewritten = 0
    public var shardsSkipped = 0
    /// Items (stage, cache key) met again in a later folder and left out.
    public var duplicateItems = 0
}

/// Combines the output folders of the parts of one pipeline into a new folder: one manifest
/// holding every run, shard and item, each item once (the first folder that has it wins). Shard
/// files are hard-linked when possible and copied otherwise, each registered only once it is
/// durable on disk; a shard holding items met before is rewritten without them.
public enum OutputMerger {
    /// Checks that the folders can be merged: each has a finished last build with intact shards,
    /// and all were built with the same stages and stage configurations. Returns that pipeline.
    public static func check(_ inputs: [Manifest]) throws -> BuiltPipeline {
        var expected: BuiltPipeline?
        for input in inputs {
            guard let built = try input.latestPipeline() else { throw MergeError.nothingBuilt(directory: input.directory) }
            guard built.run.status == "succeeded" else {
                throw MergeError.unfinished(directory: input.directory, runID: built.run.id, status: built.run.status)
            }
            let problems = try ShardVerifier.verify(input).problems.filter { $0.kind != .unregistered }
            guard problems.isEmpty else { throw MergeError.damaged(directory: input.directory, problems: problems) }
            if let expected, expected.stages != built.stages || expected.run.pipeline != built.run.pipeline {
                throw MergeError.pipelineMismatch(directory: input.directory, expected: describe(expected), found: describe(built))
            }
            expected = expected ?? built
        }
        guard let expected else { throw MergeError.nothingBuilt(directory: "(no folder given)") }
        return expected
    }

    /// Merges `inputs` (already checked) into the empty manifest `output` as run `runID`.
    public static func merge(_ inputs: [Manifest], pipeline: BuiltPipeline, into output: Manifest, runID: String,
                             level: Int32 = 3) throws -> MergeReport {
        guard try output.latestPipeline() == nil else { throw MergeError.outputInUse(directory: output.directory) }
        try output.beginRun(id: runID, pipeline: pipeline.run.pipeline, pipelineHash: pipeline.pipelineHash)
        var report = MergeReport()
        var seen: Set<String> = []
        for input in inputs {
            try output.importHistory(from: input)
            for shard in try input.shards() {
                let items = try input.items(inShard: shard.id)
                let fresh = items.filter { !seen.contains(key(shard.stage, $0.cacheKey)) }
                report.duplicateItems += Set(items.map(\.cacheKey)).count - Set(fresh.map(\.cacheKey)).count
                if fresh.isEmpty {
                    report.shardsSkipped += 1
                } else if fresh.count == items.count {
                    let linked = try place(input.absolutePath(shard.path), at: output.absolutePath(shard.path))
                    if linked { report.shardsLinked += 1 } else { report.shardsCopied += 1 }
                    let info = ShardInfo(path: output.absolutePath(shard.path), records: shard.records, uncompressedBytes: shard.uncompressedBytes,
                                         compressedBytes: shard.compressedBytes, sha256: shard.sha256)
                    try output.commitShard(info, stage: shard.stage, role: shard.role, runID: shard.runID, items: items)
                } else {
                    try rewrite(shard, from: input, keeping: fresh, into: output, runID: runID, level: level)
                    report.shardsRewritten += 1
                }
                seen.formUnion(fresh.map { key(shard.stage, $0.cacheKey) })
            }
        }
        let counts = Dictionary(uniqueKeysWithValues: try output.itemCounts().map { ($0.stage, $0) })
        for stage in pipeline.stages {
            let count = counts[stage.name]
            try output.saveStageCounts(StageCounts(runID: runID, name: stage.name, kind: stage.kind,
                                                   emitted: count?.done ?? 0, rejected: count?.rejected ?? 0),
                                       configHash: stage.configHash)
        }
        try output.finishRun(id: runID, status: "succeeded",
                             message: "merged \(inputs.count) folder(s): " + inputs.map(\.directory).joined(separator: ", "))
        return report
    }

    private static func key(_ stage: String, _ cacheKey: String) -> String { stage + "\u{1F}" + cacheKey }

    private static func describe(_ built: BuiltPipeline) -> String {
        "\(built.run.pipeline) [" + built.stages.map { "\($0.name) \($0.configHash.prefix(12))" }.joined(separator: ", ") + "]"
    }

    /// Hard-links `source` to `destination`, or copies it when linking is not possible; the file
    /// and its folder are fsynced. Returns whether it was linked.
    private static func place(_ source: String, at destination: String) throws -> Bool {
        if FileSystem.fileSize(destination) != nil { throw MergeError.fileExists(path: destination) }
        let folder = FileSystem.parent(of: destination)
        try FileSystem.makeDirectories(folder)
        if link(source, destination) == 0 {
            try FileSystem.syncDirectory(folder)
            return true
        }
        let temp = destination + ".tmp"
        unlink(temp)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: temp)
        } catch {
            throw StoreError.io(path: temp, operation: "copy from \(source)", errno: errno == 0 ? EIO : errno)
        }
        let fd = open(temp, O_RDONLY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        if fd < 0 || fsync(fd) != 0 { throw StoreError.io(path: temp, operation: "fsync", errno: errno) }
        if rename(temp, destination) != 0 { throw StoreError.io(path: destination, operation: "rename", errno: errno) }
        try FileSystem.syncDirectory(folder)
        return false
    }

    /// Writes the `keeping` items of a shard to a new shard of the merge run and registers it.
    private static func rewrite(_ shard: ShardRow, from input: Manifest, keeping: [ItemRow], into output: Manifest,
                                runID: String, level: Int32) throws {
        let folder = FileSystem.parent(of: output.absolutePath(shard.path))
        let writer = try ShardWriter(path: "\(folder)/\(runID)-merged-\(shard.runID)-\(shard.id).jsonl.zst", level: level)
        let renumbered = try writer.append(linesOf: input.absolutePath(shard.path), holding: keeping)
        try output.commitShard(try writer.finish(), stage: shard.stage, role: shard.role, runID: runID, items: renumbered)
    }
}
