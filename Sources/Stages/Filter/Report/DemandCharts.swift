import Foundation

/// The demand-alignment charts of `lwdata report` (shown when the output folder has mined
/// queries with predicted lengths and the sentence encoder is on): coverage per predicted length
/// bucket, the PCA map of queries and instructions, and the demand histogram.
enum DemandCharts {
    static func all(_ demand: DemandAlignment) -> [(name: String, title: String, svg: String)] {
        [("demand-coverage", "Coverage of real demand", coverage(demand)),
         ("demand-map", "Map of real queries and dataset instructions", map(demand)),
         ("demand-histogram", "Demand by length bucket", histogram(demand))]
    }

    /// A bucket's short name: "under 2K", "2K", … "16K".
    static func bucketLabel(_ bucket: Int) -> String { bucket == 0 ? "under 2K" : "\(bucket / 1000)K" }

    static func coverage(_ demand: DemandAlignment) -> String {
        var c = SVGCanvas(width: 640, height: 360, title: "Real queries covered (nearest instruction cosine ≥ \(String(format: "%.2f", demand.threshold)))")
        let x = LinearScale(domain: 0...Double(demand.coverage.count), range: (c.plotLeft, c.plotRight))
        let y = LinearScale(domain: 0...100, range: (c.plotBottom, c.plotTop))
        c.axes(x: nil, y: y, xTitle: "predicted output length (words)", yTitle: "queries covered (%)")
        for (i, bucket) in demand.coverage.enumerated() {
            c.text(bucketLabel(bucket.bucket), x: x(Double(i) + 0.5), y: c.plotBottom + 18, size: 11)
            guard bucket.queries > 0 else {
                c.text("no queries", x: x(Double(i) + 0.5), y: c.plotBottom - 8, size: 10)
                continue
            }
            let share = bucket.share * 100
            c.rect(x: x(Double(i)) + 8, y: y(share), width: x(1) - x(0) - 16, height: c.plotBottom - y(share),
                   fill: ReportCharts.green, label: "\(bucketLabel(bucket.bucket)): \(bucket.covered) of \(bucket.queries) queries covered")
            c.text("\(bucket.covered) of \(bucket.queries)", x: x(Double(i) + 0.5), y: y(share) - 4, size: 11)
        }
        return c.rendered()
    }

    static func map(_ demand: DemandAlignment) -> String {
        let share = demand.explained.map { String(format: "%.0f%%", $0 * 100) }
        var c = SVGCanvas(width: 640, height: 500, title: "Real queries and dataset instructions (PCA of sentence embeddings)")
        guard !demand.map.isEmpty else {
            c.axes(x: nil, y: nil, xTitle: "first principal component", yTitle: "second principal component")
            c.empty("nothing to map")
            return c.rendered()
        }
        let xs = demand.map.map(\.x), ys = demand.map.map(\.y)
        func domain(_ v: [Double]) -> ClosedRange<Double> {
            let low = v.min()!, high = v.max()!, pad = max(0.05, (high - low) * 0.05)
            return (low - pad)...(high + pad)
        }
        let x = LinearScale(domain: domain(xs), range: (c.plotLeft, c.plotRight))
        let y = LinearScale(domain: domain(ys), range: (c.plotBottom, c.plotTop))
        c.axes(x: x, y: y, xTitle: "first principal component (\(share[0]) of variance)",
               yTitle: "second principal component (\(share[1]) of variance)")
        // Queries first and larger, instructions smaller on top: where a query has an instruction
        // next to it, both show.
        for point in demand.map.sorted(by: { $0.isQuery && !$1.isQuery }) {
            c.circle(x: x(point.x), y: y(point.y), r: point.isQuery ? 4 : 2.5, fill: point.isQuery ? ReportCharts.orange : ReportCharts.blue,
                     label: (point.isQuery ? "query: " : "instruction: ") + String(point.text.prefix(160)))
        }
        for (i, (text, fill)) in [("real query (\(demand.queries))", ReportCharts.orange),
                                  ("dataset instruction (\(demand.instructions))", ReportCharts.blue)].enumerated() {
            let lx = c.plotLeft + 12 + Double(i) * 200
            c.circle(x: lx, y: c.plotTop + 10, r: 5, fill: fill)
            c.text(text, x: lx + 10, y: c.plotTop + 14, anchor: "start", size: 11)
        }
        return c.rendered()
    }

    static func histogram(_ demand: DemandAlignment) -> String {
        var c = SVGCanvas(width: 640, height: 360, title: "Mined queries per length bucket: predicted output beside input")
        let buckets = LengthBucket.allCases.map(\.rawValue)
        let most = Double(max(1, (demand.predicted.values.max() ?? 1), (demand.input.values.max() ?? 1)))
        let x = LinearScale(domain: 0...Double(buckets.count), range: (c.plotLeft, c.plotRight))
        let y = LinearScale(domain: 0...most * 1.1, range: (c.plotBottom, c.plotTop))
        c.axes(x: nil, y: y, xTitle: "length bucket (words)", yTitle: "queries", yCounts: true)
        let width = (x(1) - x(0) - 16) / 2
        for (i, bucket) in buckets.enumerated() {
            c.text(bucketLabel(bucket), x: x(Double(i) + 0.5), y: c.plotBottom + 18, size: 11)
            for (k, (count, fill, what)) in [(demand.predicted[bucket] ?? 0, ReportCharts.orange, "predicted output"),
                                             (demand.input[bucket] ?? 0, ReportCharts.grey, "input")].enumerated() where count > 0 {
                let left = x(Double(i)) + 8 + Double(k) * width
                c.rect(x: left, y: y(Double(count)), width: width, height: c.plotBottom - y(Double(count)), fill: fill,
                       label: "\(what) \(bucketLabel(bucket)): \(count) queries")
                c.text(String(count), x: left + width / 2, y: y(Double(count)) - 4, size: 10)
            }
        }
        for (i, (text, fill)) in [("predicted output length", ReportCharts.orange), ("input length", ReportCharts.grey)].enumerated() {
            let lx = c.plotRight - 330 + Double(i) * 180
            c.rect(x: lx, y: c.plotTop + 4, width: 10, height: 10, fill: fill)
            c.text(text, x: lx + 14, y: c.plotTop + 13, anchor: "start", size: 11)
        }
        return c.rendered()
    }
}
