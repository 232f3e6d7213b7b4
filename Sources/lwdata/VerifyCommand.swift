import ArgumentParser
import Store

/// `lwdata verify`: re-hash every shard against the manifest.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every shard against the manifest; report missing, truncated and altered files (exit 1 if any).")

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let manifest = try ManifestOpener.open(output.directory)
        let (checked, problems) = try ShardVerifier.verify(manifest)
        for problem in problems {
            Console.out("\(problem.kind.rawValue): \(problem.path): \(problem.detail)")
        }
        let serious = problems.filter { $0.kind != .unregistered }
        Console.out("verified \(checked) shard(s): \(serious.isEmpty ? "all intact" : "\(serious.count) problem(s)")")
        let (releaseFiles, releaseProblems) = try ReleaseVerifier.verify(manifest)
        for problem in releaseProblems {
            Console.out("release \(problem.kind.rawValue): \(problem.path): \(problem.detail)")
        }
        let seriousInReleases = releaseProblems.filter(\.isSerious)
        if releaseFiles > 0 || !releaseProblems.isEmpty {
            Console.out("verified \(releaseFiles) release file(s): \(seriousInReleases.isEmpty ? "all intact" : "\(seriousInReleases.count) problem(s)")")
        }
        if !serious.isEmpty || !seriousInReleases.isEmpty { throw ExitCodes.failure }
    }
}

/// Opens an existing manifest, with a clear error when the folder has none.
enum ManifestOpener {
    static func open(_ directory: String) throws -> Manifest {
        guard FileSystem.fileExists(OutputLayout(directory: directory).manifest) else {
            Console.error("\(directory): no manifest.sqlite here; run `lwdata build <pipeline> --out \(directory)` first")
            throw ExitCodes.badConfiguration
        }
        return try Manifest(directory: directory)
    }
}
