import ArgumentParser
import Pipeline
import Store

/// `lwdata export`: a release's records in a trainer's format.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a release's records as messages, sharegpt or alpaca JSONL, or its preference pairs as dpo, dpo-implicit or ranking JSONL (with a LLaMA-Factory dataset_info.json).",
        discussion: """
            Reads the release `latest` names (or --release ID), checks each file against its SHA-256, and writes \
            <to>/data/<format>-NNNNN.jsonl.zst (or .jsonl with --compression none) and <to>/export.json. With \
            --compression none it also writes <to>/dataset_info.json, the entry LLaMA-Factory reads (it loads only \
            plain files; for pairs, --format ranking). dpo and dpo-implicit are TRL's conversational preference types; \
            pairs come from a make-pairs stage. An earlier export at <to> is replaced; anything else there is left alone.
            """)

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "The release to export (default: the one `latest` names).")
    var release: String?

    @Option(name: .long, help: "messages | sharegpt | alpaca (training records); dpo | dpo-implicit | ranking (preference pairs).")
    var format: String

    @Option(name: .long, help: ArgumentHelp("Destination folder (default: <out>/exports/<release>-<format>).", valueName: "DIR"))
    var to: String?

    @Option(name: .long, help: "zstd (.jsonl.zst) | none (.jsonl, for LLaMA-Factory).")
    var compression = "zstd"

    @Option(name: .long, help: "The dataset's name in dataset_info.json.")
    var name = "lwdata"

    func run() async throws {
        guard let format = ExportFormat(rawValue: format) else {
            Console.error("--format must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(format)')")
            throw ExitCodes.badConfiguration
        }
        guard let compression = ExportCompression(rawValue: compression) else {
            Console.error("--compression must be zstd or none (got '\(compression)')")
            throw ExitCodes.badConfiguration
        }
        let manifest = try ManifestOpener.open(output.directory)
        let layout = ReleaseLayout(directory: output.directory)
        let chosen: Release
        do {
            chosen = try Self.select(release ?? layout.latestID(), from: try manifest.releases(), directory: output.directory)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        let destination = to ?? OutputLayout(directory: output.directory).export(release: chosen.id, format: format.rawValue)
        do {
            let summary = try ReleaseExporter.export(release: chosen, layout: layout, format: format, compression: compression,
                                                     destination: destination, datasetName: name)
            Console.out("exported release \(chosen.id) as \(format.rawValue): \(summary.records) records in \(summary.files.count) file(s) → \(summary.destination)"
                        + (summary.wroteDatasetInfo ? " (with dataset_info.json for LLaMA-Factory)" : ""))
            if summary.pairsLeftOut > 0 {
                Console.out("\(summary.pairsLeftOut) instruction pair(s) left out: their two prompts differ and \(format.rawValue) has one; --format dpo-implicit holds them")
            }
        } catch {
            Console.error("export failed: \(error)")
            throw ExitCodes.failure
        }
    }

    static func select(_ id: String?, from releases: [Release], directory: String) throws -> Release {
        guard let id else { throw ReleaseError.none(directory: directory) }
        guard let release = releases.first(where: { $0.id == id }) else { throw ReleaseError.unknown(id: id, known: releases.map(\.id)) }
        return release
    }
}
