import ArgumentParser
import Foundation
import Messages
import Pipeline
import Stages
import Store

/// `lwdata report`: charts and figures of an output folder, as a self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write <out>/report/: index.html (charts), report.json (the same figures) and one SVG per chart.",
        discussion: """
            Charts: required vs produced length of the final records, their produced length per \
            length bucket, the distribution of the length score S_l, rejects by reason over all \
            stages and runs, and the sizes of the duplicate clusters found by dedup-filter. \
            When the folder holds queries with a predicted length (predict-length) and the \
            sentence encoder is on: demand alignment (coverage of the real queries by the \
            dataset's instructions per predicted length bucket, a PCA map of both, and the \
            queries per predicted output and input length bucket).
            """)

    @OptionGroup var output: OutputOptions

    @Option(help: "Cosine similarity from which a real query counts as covered by its nearest dataset instruction.")
    var coverageThreshold = 0.7

    func run() async throws {
        let manifest = try ManifestOpener.open(output.directory)
        var report: DatasetReport
        do {
            report = try DatasetReport(manifest: manifest)
            report.demand = try demand(manifest, finalStage: report.finalStage)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.failure
        }
        let page = try ReportPage.write(report, directory: output.directory)
        let rows = try RecordBrowser.write(manifest: manifest, finalStage: report.finalStage, folder: output.directory + "/report")
        Console.out("\(report.records.count) final records, \(report.rejects.reduce(0) { $0 + $1.count }) rejects → \(page) (record browser: \(rows) rows in records.html)")
    }

    /// Demand alignment, when there are queries with a predicted length and the encoder is on.
    private func demand(_ manifest: Manifest, finalStage: String?) throws -> DemandAlignment? {
        let (queries, instructions) = try DemandAlignment.read(manifest: manifest, finalStage: finalStage)
        guard !queries.isEmpty else { return nil }
        let embedder: any TextEmbedder
        do {
            embedder = try ModelHandleFactory.encoderHandle().embedder(forStage: "report")
        } catch {
            Console.error("demand alignment left out of the report: \(error)")
            return nil
        }
        return DemandAlignment(queries: queries, instructions: instructions, embedder: embedder, threshold: coverageThreshold)
    }
}
