import Foundation
import Pipeline
import Store

/// Writes `lwdata report`: `<out>/report/index.html` (self-contained: inline SVG and CSS, no
/// scripts), `report.json` (the same figures) and one `.svg` file per chart.
public enum ReportPage {
    /// Writes the report of `report` for the output folder `directory`; returns the HTML file's path.
    @discardableResult
    public static func write(_ report: DatasetReport, directory: String, generated: Date = Date()) throws -> String {
        let folder = OutputLayout(directory: directory).report
        try FileSystem.makeDirectories(folder)
        let charts = ReportCharts.all(report)
        for chart in charts { try chart.svg.write(toFile: "\(folder)/\(chart.name).svg", atomically: true, encoding: .utf8) }
        var json = report.json.object ?? [:]
        json["directory"] = .string(directory)
        json["generated_at"] = .string(ISO8601DateFormatter().string(from: generated))
        json["charts"] = .array(charts.map { .string("\($0.name).svg") })
        try (JSONValue.object(json).jsonString + "\n").write(toFile: folder + "/report.json", atomically: true, encoding: .utf8)
        let page = html(report, charts: charts, directory: directory, generated: generated)
        try page.write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        return folder + "/index.html"
    }

    static func html(_ report: DatasetReport, charts: [(name: String, title: String, svg: String)], directory: String,
                     generated: Date) -> String {
        let scores = report.records.compactMap(\.lengthScore)
        let mean = scores.isEmpty ? "–" : String(format: "%.1f", scores.reduce(0, +) / Double(scores.count))
        let good = scores.filter { $0 >= 80 }.count
        let rejected = report.rejects.reduce(0) { $0 + $1.count }
        let words = report.records.reduce(0) { $0 + $1.produced }
        let quality = report.quality
        let judged: String = quality.meanQualityScore.map { String(format: "%.1f of 100, %d judged", $0, quality.qualityScores.count) } ?? "not judged"
        let weakest: String = quality.weakestDimension.map { "\($0.name) " + String(format: "%.1f of 5", $0.mean) } ?? "–"
        let contradictions: String = quality.checked == 0 ? "not checked" : "\(quality.coherenceFlagged) of \(quality.checked) records"
        let talk: String = quality.taskTalkShare.map { String(format: "%.1f%% of sentences, %d records", $0 * 100, quality.taskTalkRecords) } ?? "not checked"
        let relevance: String = report.relevance.meanInstruction.map {
            String(format: "%.3f to the instruction, %d records", $0, report.relevance.records)
        } ?? "not scored"
        let pairs: String = report.pairs.total == 0 ? "none" : report.pairs.lines().joined(separator: "; ")
        var summary: [(String, String)] = [
            ("final records", "\(report.records.count)" + (report.finalStage.map { " (stage \($0))" } ?? "")),
            ("words in them", SVGCanvas.label(Double(words))),
            ("mean S_l", mean),
            ("S_l ≥ 80", scores.isEmpty ? "–" : "\(good) of \(scores.count)"),
            ("mean S_q (judge)", judged),
            ("weakest dimension", weakest),
            ("coherence contradictions", contradictions),
            ("task talk", talk),
            ("mean section relevance", relevance),
            ("rejected (all stages, all runs)", "\(rejected)"),
            ("duplicate clusters", "\(report.clusterSizes.values.reduce(0, +))"),
            ("preference pairs", pairs),
        ]
        if let demand = report.demand {
            let long = demand.coverage.filter { $0.bucket > 0 }
            let covered = long.reduce(0) { $0 + $1.covered }, queries = long.reduce(0) { $0 + $1.queries }
            summary.append(("real long-output queries covered", queries == 0 ? "no query predicted at 2,000 words or more"
                            : "\(covered) of \(queries) (cosine ≥ \(String(format: "%.2f", demand.threshold)))"))
        }
        let rows = summary.map { "<tr><th>\(SVGCanvas.escape($0.0))</th><td>\(SVGCanvas.escape($0.1))</td></tr>" }.joined(separator: "\n")
        let sections = charts.map { chart in
            "<section id=\"\(chart.name)\" aria-label=\"\(SVGCanvas.escape(chart.title))\">\n\(chart.svg)"
                + "<p class=\"file\"><a href=\"\(chart.name).svg\">\(chart.name).svg</a></p></section>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>lwdata report: \(SVGCanvas.escape(directory))</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1340px; padding: 0 1rem; color: #222; }
            h1 { font-size: 1.5rem; margin-bottom: .2rem; }
            .meta { color: #666; margin-top: 0; }
            table { border-collapse: collapse; margin: 1rem 0 2rem; }
            th, td { text-align: left; padding: .25rem 1.2rem .25rem 0; border-bottom: 1px solid #eee; }
            th { font-weight: 600; }
            main { display: flex; flex-wrap: wrap; gap: 1.5rem; }
            section { flex: 0 1 640px; }
            svg { max-width: 100%; height: auto; border: 1px solid #ddd; border-radius: 4px; }
            .file { font-size: .8rem; color: #666; margin: .2rem 0 0; }
            </style>
            </head>
            <body>
            <h1>lwdata report</h1>
            <p class="meta">\(SVGCanvas.escape(directory)) · generated \(SVGCanvas.escape(ISO8601DateFormatter().string(from: generated))) · figures also in <a href="report.json">report.json</a> · read the records in the <a href="records.html">record browser</a></p>
            <table>
            \(rows)
            </table>
            <main>
            \(sections)
            </main>
            </body>
            </html>

            """
    }
}
