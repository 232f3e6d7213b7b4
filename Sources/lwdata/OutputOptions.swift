import ArgumentParser

/// `--out DIR`, shared by every command that works on an output folder.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output folder (manifest, shards, rejects, dataset).", valueName: "DIR"))
    var out: String = "out"

    /// The folder without a trailing slash.
    var directory: String { out.count > 1 && out.hasSuffix("/") ? String(out.dropLast()) : out }
}
