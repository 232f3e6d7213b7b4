import Foundation
import Pipeline
import Store

/// The summary printed at the end of a build.
enum BuildReport {
    static func text(_ summary: BuildSummary, stageLines: [String], rejects: [(stage: String, reason: String, count: Int)],
                     directory: String) -> String {
        var lines = ["run \(summary.runID) finished in \(String(format: "%.1f", summary.elapsed)) s → \(directory)"]
        for stage in summary.stages {
            lines.append("  \(stage.name.padding(toLength: 16, withPad: " ", startingAt: 0)) computed \(stage.processed), reused \(stage.cached), kept \(stage.emitted), rejected \(stage.rejected)")
        }
        lines += stageLines.map { "  " + $0 }
        if !summary.usage.isEmpty {
            let calls = summary.usage.reduce(0) { $0 + $1.calls }
            let tokensIn = summary.usage.reduce(0) { $0 + $1.tokensIn }
            let tokensOut = summary.usage.reduce(0) { $0 + $1.tokensOut }
            lines.append("  model: \(calls) calls, \(tokensIn) prompt tokens, \(tokensOut) generated tokens"
                         + (summary.elapsed > 0 ? String(format: " (%.0f generated tokens/s)", Double(tokensOut) / summary.elapsed) : ""))
            for row in summary.usage where row.calls > 0 {
                let cost = row.cost > 0 ? String(format: ", estimated cost %.4f", row.cost) : ""
                lines.append("    \(row.stage) via \(row.backend): \(row.calls) calls, \(row.tokensIn) prompt + \(row.tokensOut) generated tokens\(cost)")
            }
        }
        if !rejects.isEmpty {
            lines.append("  rejects by reason (all runs): " + rejects.map { "\($0.stage)/\($0.reason) \($0.count)" }.joined(separator: ", "))
        }
        lines.append("see `lwdata status --out \(directory)` for shards and usage")
        return lines.joined(separator: "\n")
    }
}
