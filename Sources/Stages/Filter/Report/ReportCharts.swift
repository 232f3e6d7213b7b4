import Foundation

/// The charts of `lwdata report`, each a standalone SVG document: five always, and section
/// relevance along the output when the final records carry it.
public enum ReportCharts {
    static let blue = "#4e79a7", orange = "#f28e2b", green = "#59a14f", red = "#e15759", grey = "#9c9c9c"

    /// Chart file names (without `.svg`) and their SVG, in page order.
    public static func all(_ report: DatasetReport) -> [(name: String, title: String, svg: String)] {
        [("length-scatter", "Required vs produced length", lengthScatter(report)),
         ("length-histograms", "Produced length per length bucket", lengthHistograms(report)),
         ("length-score", "Length score S_l", lengthScores(report)),
         ("rejects", "Rejects by reason", rejects(report)),
         ("duplicate-clusters", "Duplicate cluster sizes", clusterSizes(report))]
            + (report.demand.map(DemandCharts.all) ?? [])
            + (report.relevance.records > 0 ? [("section-relevance", "Section relevance along the output", relevance(report))] : [])
    }

    /// Colour of a record by S_l: green from 80, orange from 60, red below.
    static func colour(_ score: Double?) -> String {
        guard let score else { return grey }
        return score >= 80 ? green : score >= 60 ? orange : red
    }

    static func lengthScatter(_ report: DatasetReport) -> String {
        var c = SVGCanvas(width: 640, height: 460, title: "Required vs produced length (words)")
        let points = report.records.filter { $0.required != nil }
        let top = Double(max(points.map { max($0.required!, $0.produced) }.max() ?? 1, 1)) * 1.05
        let x = LinearScale(domain: 0...top, range: (c.plotLeft, c.plotRight))
        let y = LinearScale(domain: 0...top, range: (c.plotBottom, c.plotTop))
        c.axes(x: x, y: y, xTitle: "required words", yTitle: "produced words")
        guard !points.isEmpty else {
            c.empty("no final record has a required length")
            return c.rendered()
        }
        c.line(x1: x(0), y1: y(0), x2: x(top), y2: y(top), stroke: grey, dash: "4 4")
        for p in points {
            c.circle(x: x(Double(p.required!)), y: y(Double(p.produced)), r: 3.5, fill: colour(p.lengthScore),
                     label: "required \(p.required!), produced \(p.produced), S_l \(p.lengthScore.map { String(format: "%.1f", $0) } ?? "–")")
        }
        for (i, (text, fill)) in [("S_l ≥ 80", green), ("60 ≤ S_l < 80", orange), ("S_l < 60", red)].enumerated() {
            let lx = c.plotLeft + 12 + Double(i) * 120
            c.circle(x: lx, y: c.plotTop + 10, r: 5, fill: fill)
            c.text(text, x: lx + 10, y: c.plotTop + 14, anchor: "start", size: 11)
        }
        return c.rendered()
    }

    static func lengthHistograms(_ report: DatasetReport) -> String {
        let groups = report.lengthHistograms
        let row = 110.0
        var c = SVGCanvas(width: 640, height: 92 + row * Double(max(1, groups.count)), title: "Produced length per length bucket")
        guard let first = groups.first?.histogram else {
            c.axes(x: nil, y: nil, xTitle: "produced words", yTitle: "records")
            c.empty("no final records")
            return c.rendered()
        }
        let x = LinearScale(domain: first.lower...first.upper, range: (c.plotLeft, c.plotRight))
        for (i, group) in groups.enumerated() {
            let bottom = c.plotTop + row * Double(i + 1)
            let most = Double(max(1, group.histogram.counts.max() ?? 1))
            let y = LinearScale(domain: 0...most, range: (bottom, bottom - row + 30))
            c.text(DatasetReport.bucketName(group.bucket), x: c.plotLeft + 6, y: bottom - row + 16, anchor: "start", size: 12, weight: "bold")
            c.line(x1: c.plotLeft, y1: bottom, x2: c.plotRight, y2: bottom)
            c.text(SVGCanvas.label(most), x: c.plotLeft - 8, y: y(most) + 4, anchor: "end", size: 10)
            for (bin, count) in group.histogram.counts.enumerated() where count > 0 {
                let lower = group.histogram.edges[bin]
                c.rect(x: x(lower) + 1, y: y(Double(count)), width: x(lower + group.histogram.binWidth) - x(lower) - 2,
                       height: bottom - y(Double(count)), fill: blue,
                       label: "\(Int(lower))–\(Int(lower + group.histogram.binWidth)) words: \(count)")
            }
        }
        c.axes(x: x, y: nil, xTitle: "produced words", yTitle: "records")
        return c.rendered()
    }

    static func lengthScores(_ report: DatasetReport) -> String {
        var c = SVGCanvas(width: 640, height: 360, title: "Length score S_l (LongBench-Write)")
        let h = report.lengthScoreHistogram
        let x = LinearScale(domain: 0...100, range: (c.plotLeft, c.plotRight))
        let y = LinearScale(domain: 0...Double(max(1, h.counts.max() ?? 1)), range: (c.plotBottom, c.plotTop))
        c.axes(x: x, y: y, xTitle: "S_l", yTitle: "records", xTicks: 10, yCounts: true)
        guard h.counts.contains(where: { $0 > 0 }) else {
            c.empty("no final record has a required length")
            return c.rendered()
        }
        for (bin, count) in h.counts.enumerated() where count > 0 {
            let lower = h.edges[bin]
            c.rect(x: x(lower) + 2, y: y(Double(count)), width: x(lower + h.binWidth) - x(lower) - 4, height: c.plotBottom - y(Double(count)),
                   fill: colour(lower + h.binWidth / 2), label: "S_l \(Int(lower))–\(Int(lower + h.binWidth)): \(count)")
            c.text(String(count), x: x(lower + h.binWidth / 2), y: y(Double(count)) - 4, size: 11)
        }
        return c.rendered()
    }

    static func rejects(_ report: DatasetReport) -> String {
        let rows = report.rejects.sorted { $0.count > $1.count || ($0.count == $1.count && $0.reason < $1.reason) }
        let labels = rows.map { "\($0.stage) · \($0.reason)" }
        var c = SVGCanvas(width: 640, height: 100 + 24 * Double(max(1, rows.count)), title: "Rejects by reason (all runs)")
        c.left = min(320, 16 + 6.6 * Double(labels.map(\.count).max() ?? 10))
        let x = LinearScale(domain: 0...Double(max(1, rows.first?.count ?? 1)) * 1.12, range: (c.plotLeft, c.plotRight))
        c.axes(x: x, y: nil, xTitle: "records", yTitle: "", xCounts: true)
        guard !rows.isEmpty else {
            c.empty("nothing was rejected")
            return c.rendered()
        }
        for (i, (row, label)) in zip(rows, labels).enumerated() {
            let top = c.plotTop + 6 + 24 * Double(i)
            c.text(label, x: c.plotLeft - 8, y: top + 13, anchor: "end", size: 11)
            c.rect(x: c.plotLeft, y: top, width: x(Double(row.count)) - c.plotLeft, height: 17,
                   fill: row.reason.contains("duplicate") ? orange : red, label: "\(label): \(row.count)")
            c.text(String(row.count), x: x(Double(row.count)) + 4, y: top + 13, anchor: "start", size: 11)
        }
        return c.rendered()
    }

    static func clusterSizes(_ report: DatasetReport) -> String {
        var c = SVGCanvas(width: 640, height: 340, title: "Duplicate cluster sizes (kept record + duplicates dropped)")
        let sizes = report.clusterSizes.keys.sorted()
        let x = LinearScale(domain: 0...Double(max(6, sizes.count)), range: (c.plotLeft, c.plotRight))
        let y = LinearScale(domain: 0...Double(max(1, report.clusterSizes.values.max() ?? 1)), range: (c.plotBottom, c.plotTop))
        c.axes(x: nil, y: y, xTitle: "cluster size (records)", yTitle: "clusters", yCounts: true)
        guard !sizes.isEmpty else {
            c.empty("no duplicate clusters")
            return c.rendered()
        }
        for (i, size) in sizes.enumerated() {
            let count = report.clusterSizes[size]!
            c.rect(x: x(Double(i)) + 4, y: y(Double(count)), width: x(1) - x(0) - 8, height: c.plotBottom - y(Double(count)),
                   fill: orange, label: "\(count) cluster(s) of \(size) records")
            c.text(String(size), x: x(Double(i) + 0.5), y: c.plotBottom + 18, size: 11)
            c.text(String(count), x: x(Double(i) + 0.5), y: y(Double(count)) - 4, size: 11)
        }
        return c.rendered()
    }
}
