import ArgumentParser
import Foundation
import Stages

/// `lwdata report`: charts and figures of an output folder, as a self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write <out>/report/: index.html (charts), report.json (the same figures) and one SVG per chart.",
        discussion: """
            Charts: required vs produced length of the final records, their produced length per \
            length bucket, the distribution of the length score S_l, rejects by reason over all \
            stages and runs, and the sizes of the duplicate clusters found by dedup-filter.
            """)

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let manifest = try ManifestOpener.open(output.directory)
        let report: DatasetReport
        do {
            report = try DatasetReport(manifest: manifest)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.failure
        }
        let page = try ReportPage.write(report, directory: output.directory)
        let rows = try RecordBrowser.write(manifest: manifest, finalStage: report.finalStage, folder: output.directory + "/report")
        Console.out("\(report.records.count) final records, \(report.rejects.reduce(0) { $0 + $1.count }) rejects → \(page) (record browser: \(rows) rows in records.html)")
    }
}
