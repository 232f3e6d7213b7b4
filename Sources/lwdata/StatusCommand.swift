import ArgumentParser
import Foundation
import Pipeline
import Stages
import Store

/// `lwdata status`: what the output folder holds.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show runs, items per stage, shards, rejects by reason and model usage of an output folder.")

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let manifest = try ManifestOpener.open(output.directory)
        let runs = try manifest.runs()
        let items = try manifest.itemCounts()
        let shards = try manifest.shards()
        let rejects = try manifest.rejectCounts()
        let report = try DatasetReport(manifest: manifest)
        let quality = report.quality
        let usage = try manifest.usage()
        let releases = try manifest.releases()
        let latest = ReleaseLayout(directory: output.directory).latestID()
        if json {
            let value: JSONValue = [
                "directory": .string(output.directory),
                "runs": .array(try runs.map { run in
                    .object([
                        "id": .string(run.id), "pipeline": .string(run.pipeline), "status": .string(run.status),
                        "started_at": .double(run.startedAt), "finished_at": run.finishedAt.map(JSONValue.double) ?? .null,
                        "message": run.message.map(JSONValue.string) ?? .null,
                        "stages": .array(try manifest.stageCounts(runID: run.id).map {
                            ["name": .string($0.name), "kind": .string($0.kind), "computed": .int($0.processed),
                             "reused": .int($0.cached), "kept": .int($0.emitted), "rejected": .int($0.rejected)]
                        }),
                    ])
                }),
                "items": .array(items.map { ["stage": .string($0.stage), "done": .int($0.done), "rejected": .int($0.rejected)] }),
                "shards": .array(shards.map {
                    ["path": .string($0.path), "stage": .string($0.stage), "role": .string($0.role.rawValue),
                     "records": .int($0.records), "uncompressed_bytes": .int($0.uncompressedBytes),
                     "compressed_bytes": .int($0.compressedBytes), "sha256": .string($0.sha256)]
                }),
                "rejects": .array(rejects.map { ["stage": .string($0.stage), "reason": .string($0.reason), "count": .int($0.count)] }),
                "releases": .array(releases.map {
                    ["id": .string($0.id), "run_id": .string($0.runID), "created_at": .double($0.createdAt),
                     "files": .int($0.files.count), "records": .int($0.records), "bytes": .int($0.bytes)]
                }),
                "latest": latest.map(JSONValue.string) ?? .null,
                "quality": quality.json,
                "pairs": report.pairs.json,
                "usage": .array(usage.map {
                    ["stage": .string($0.stage), "backend": .string($0.backend), "calls": .int($0.calls),
                     "retries": .int($0.retries), "errors": .int($0.errors), "tokens_in": .int($0.tokensIn),
                     "tokens_out": .int($0.tokensOut), "cost": .double($0.cost)]
                }),
            ]
            Console.out(value.jsonString)
            return
        }
        Console.out("output folder \(output.directory)")
        Console.out("runs (\(runs.count)):")
        for run in runs.suffix(10) {
            let started = Date(timeIntervalSince1970: run.startedAt)
            let seconds = run.finishedAt.map { String(format: " in %.1f s", $0 - run.startedAt) } ?? ""
            Console.out("  \(run.id)  \(run.pipeline)  \(run.status)\(seconds)  started \(started)")
            if let message = run.message { Console.out("    \(message)") }
        }
        Console.out("items by stage:")
        for item in items { Console.out("  \(item.stage): \(item.done) done, \(item.rejected) rejected") }
        for role in [ShardRole.data, .reject] {
            let group = shards.filter { $0.role == role }
            let records = group.reduce(0) { $0 + $1.records }
            let raw = group.reduce(0) { $0 + $1.uncompressedBytes }
            let packed = group.reduce(0) { $0 + $1.compressedBytes }
            Console.out("\(role == .data ? "data" : "reject") shards: \(group.count), \(records) records, \(Self.bytes(raw)) → \(Self.bytes(packed)) compressed")
        }
        if let newest = releases.last {
            let current = releases.first { $0.id == latest } ?? newest
            Console.out("releases: \(releases.count); latest \(current.id): \(current.records) records in \(current.files.count) file(s), "
                        + "\(Self.bytes(current.bytes)), published \(Date(timeIntervalSince1970: current.createdAt)) → \(output.directory)/latest")
        }
        quality.lines().forEach(Console.out)
        report.pairs.lines().forEach(Console.out)
        if !rejects.isEmpty {
            Console.out("rejects by reason:")
            for r in rejects { Console.out("  \(r.stage): \(r.reason): \(r.count)") }
        }
        if !usage.isEmpty {
            Console.out("model usage:")
            for u in usage {
                Console.out("  \(u.stage) via \(u.backend): \(u.calls) calls, \(u.retries) retries, \(u.errors) errors, \(u.tokensIn) tokens in, \(u.tokensOut) out"
                            + (u.cost > 0 ? String(format: ", estimated cost %.4f", u.cost) : ""))
            }
        }
    }

    static func bytes(_ n: Int) -> String {
        n >= 1 << 20 ? String(format: "%.1f MB", Double(n) / 1_048_576) : n >= 1024 ? String(format: "%.1f KB", Double(n) / 1024) : "\(n) B"
    }
}
