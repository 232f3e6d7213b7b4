import Foundation
import Pipeline

/// The summary printed at the end of a build.
enum BuildReport {
    static func text(_ summary: BuildSummary, directory: String) -> String {
        var lines = ["run \(summary.runID) finished in \(String(format: "%.1f", summary.elapsed)) s → \(directory)"]
        for stage in summary.stages {
            lines.append("  \(stage.name.padding(toLength: 16, withPad: " ", startingAt: 0)) computed \(stage.processed), reused \(stage.cached), kept \(stage.emitted), rejected \(stage.rejected)")
        }
        lines.append("see `lwdata status --out \(directory)` for shards and rejects by reason")
        return lines.joined(separator: "\n")
    }
}
