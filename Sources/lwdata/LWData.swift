import ArgumentParser

/// The `lwdata` command line.
@main
struct LWData: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "lwdata",
        abstract: "Build long-output SFT datasets (2,000–20,000+ word answers) with a built-in decoder.",
        discussion: """
            Start with `lwdata build pipelines/mine.yaml --out out`, then `lwdata status --out out`.
            No command writes outside --out, but `export --to`.
            Exit codes: 0 success, 1 failure or incomplete build (re-run to retry),
            2 bad configuration or input, 75 output folder busy (another build holds
            its lock), 130 interrupted (re-run to resume).
            """,
        version: version,
        subcommands: [BuildCommand.self, StatusCommand.self, AuditCommand.self, InspectCommand.self, VerifyCommand.self, MergeCommand.self, ExportCommand.self,
                      GCCommand.self, ReportCommand.self,
                      GenerateCommand.self, ServeCommand.self, BenchCommand.self, EmbedCommand.self,
                      RelevanceCommand.self]
    )
}
