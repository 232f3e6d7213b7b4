import Foundation
import Pipeline

/// The audit's summary page: the figures and the flagged records with their evidence.
enum AuditPage {
    static func write(_ summary: Auditor.Summary, directory: String, files: [String]) throws {
        let rows = summary.figures.lines().map { "<li>\(SVGCanvas.escape($0))</li>" }.joined(separator: "\n")
        let bad = summary.badLines.prefix(200).map { "<li>\(SVGCanvas.escape("\($0.file):\($0.line): \($0.reason)"))</li>" }.joined(separator: "\n")
        let flagged = summary.flagged.prefix(500).map { line -> String in
            var evidence: [String] = []
            for flag in line["coherence"]?.array ?? [] {
                let sentences = (flag["evidence"]?.array ?? []).compactMap(\.string).map { "«\($0)»" }.joined(separator: " … ")
                evidence.append("coherence (\(flag["kind"]?.string ?? "")): \(sentences)")
            }
            for sentence in line["task_talk"]?["sentences"]?.array ?? [] {
                evidence.append("task talk (\(sentence["kind"]?.string ?? "")): «\(sentence["text"]?.string ?? "")»")
            }
            if let repeated = line["repetition"]?["duplicate_10gram_fraction"]?.double, repeated > 0.1 {
                evidence.append(String(format: "repetition: %.0f%% of the text is in 10-grams seen before", repeated * 100))
            }
            let where_ = "\(line["file"]?.string ?? ""):\(line["line"]?.int ?? 0)"
            return "<tr><td>\(SVGCanvas.escape(where_))</td><td>\(line["words"]?.int ?? 0)</td><td>"
                + evidence.map { "<div class=\"flag\">\(SVGCanvas.escape($0))</div>" }.joined() + "</td></tr>"
        }.joined(separator: "\n")
        let html = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>lwdata audit</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
            table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #eee; padding: .3rem; vertical-align: top; text-align: left; }
            .flag { margin-bottom: .3rem; } .flag::before { content: "⚑ "; color: #b00; }
            </style></head>
            <body>
            <h1>lwdata audit</h1>
            <p>\(SVGCanvas.escape(files.joined(separator: ", "))) · \(summary.records) records · \(summary.badLines.count) bad lines skipped · one line per record in <a href="../audit.jsonl">audit.jsonl</a></p>
            <ul id="figures">
            \(rows)
            </ul>
            <h2>Flagged records (\(summary.flagged.count))</h2>
            <table id="flagged"><tr><th>record</th><th>words</th><th>evidence</th></tr>
            \(flagged)
            </table>
            <h2>Bad lines (\(summary.badLines.count))</h2>
            <ul id="bad">
            \(bad)
            </ul>
            </body>
            </html>

            """
        try html.write(toFile: directory + "/index.html", atomically: true, encoding: .utf8)
    }
}
