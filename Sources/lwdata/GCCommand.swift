import ArgumentParser
import Pipeline
import Store

/// `lwdata gc`: removes old releases and files nothing refers to.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove releases beyond the N newest (never latest's), unfinished publishes and unregistered shard files.",
        discussion: "Takes the output folder's lock: exits 75 at once while a build runs. A shard still in dataset/ or in a kept release stays on disk.")

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "How many of the newest releases to keep (the one latest names is always kept).")
    var keep: Int

    @Flag(name: .long, help: "Print only errors.")
    var quiet = false

    func run() async throws {
        guard keep >= 0 else {
            Console.error("--keep must be 0 or more (got \(keep))")
            throw ExitCodes.badConfiguration
        }
        let manifest = try ManifestOpener.open(output.directory)
        let lock: OutputLock
        do {
            lock = try OutputLock(directory: output.directory, owner: "lwdata gc")
        } catch let error as StoreError {
            Console.error("\(error)")
            throw ExitCodes.code(for: error, otherwise: ExitCodes.failure)
        }
        defer { lock.release() }
        let result: ReleaseCollection
        do {
            result = try ReleaseGarbageCollector.collect(manifest: manifest, keep: keep)
        } catch {
            Console.error("gc failed: \(error)")
            throw ExitCodes.failure
        }
        guard !quiet else { return }
        Console.out("removed \(result.removed.count) release(s)\(Self.list(result.removed)), freed \(StatusCommand.bytes(result.freedBytes))")
        Console.out("kept \(result.kept.count) release(s)\(Self.list(result.kept))")
        if !result.swept.isEmpty { Console.out("removed \(result.swept.count) unfinished publish folder(s)\(Self.list(result.swept))") }
    }

    private static func list(_ ids: [String]) -> String { ids.isEmpty ? "" : ": " + ids.joined(separator: ", ") }
}
