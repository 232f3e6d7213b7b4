import Foundation
import Pipeline

/// Section relevance along the output, for `lwdata report`: per section position (1, 2, …), the
/// mean cosine of the final records' sections to their instruction and to their plan point, as the
/// `write` stage recorded them (`meta.section_relevance` of exported records,
/// `write_meta.steps[].relevance` before export), and how many sections best-of-N rewrote.
public struct RelevanceAlongOutput: Sendable, Equatable {
    /// One section position's sums over the records that reach it.
    public struct Position: Sendable, Equatable {
        public var sections = 0
        public var instruction = 0.0
        public var plan = 0.0
        public var belowOffTopic = 0
    }

    public private(set) var positions: [Position] = []
    /// Records that carry section relevance.
    public private(set) var records = 0

    public init() {}

    /// Adds one final record (exported or not).
    public mutating func add(_ record: Record) {
        let scores = record["meta"]?["section_relevance"]?.array
            ?? (record["write_meta"]?["steps"]?.array ?? []).compactMap { $0["relevance"] }
        let pairs = scores.compactMap { s -> (Double, Double)? in
            guard let instruction = s["instruction"]?.double, let plan = s["plan"]?.double else { return nil }
            return (instruction, plan)
        }
        guard !pairs.isEmpty else { return }
        records += 1
        for (index, (instruction, plan)) in pairs.enumerated() {
            if positions.count <= index { positions.append(Position()) }
            positions[index].sections += 1
            positions[index].instruction += instruction
            positions[index].plan += plan
            if instruction < RelevanceScorer.offTopicCosine { positions[index].belowOffTopic += 1 }
        }
    }

    /// Mean cosine to the instruction over every scored section (nil: none).
    public var meanInstruction: Double? {
        let n = positions.reduce(0) { $0 + $1.sections }
        return n == 0 ? nil : positions.reduce(0) { $0 + $1.instruction } / Double(n)
    }

    public var json: JSONValue {
        ["records": .int(records), "mean_instruction": meanInstruction.map(JSONValue.double) ?? .null,
         "by_position": .array(positions.enumerated().map { i, p in
             ["section": .int(i + 1), "sections": .int(p.sections), "mean_instruction": .double(p.instruction / Double(p.sections)),
              "mean_plan": .double(p.plan / Double(p.sections)), "below_off_topic": .int(p.belowOffTopic)]
         })]
    }
}

extension ReportCharts {
    /// Mean section relevance (to the instruction, to the plan point) by section position.
    static func relevance(_ report: DatasetReport) -> String {
        var c = SVGCanvas(width: 640, height: 360, title: "Section relevance along the output (cosine, mean per section)")
        let positions = report.relevance.positions
        let x = LinearScale(domain: 0.5...Double(max(positions.count, 1)) + 0.5, range: (c.plotLeft, c.plotRight))
        let y = LinearScale(domain: 0...1, range: (c.plotBottom, c.plotTop))
        c.axes(x: x, y: y, xTitle: "section (position in the output)", yTitle: "cosine", xCounts: true)
        guard !positions.isEmpty else {
            c.empty("no section relevance recorded (write stage without the encoder)")
            return c.rendered()
        }
        c.line(x1: c.plotLeft, y1: y(RelevanceScorer.offTopicCosine), x2: c.plotRight, y2: y(RelevanceScorer.offTopicCosine),
               stroke: red, dash: "4 4")
        c.text("off-topic below \(SVGCanvas.label(RelevanceScorer.offTopicCosine))", x: c.plotRight - 4,
               y: y(RelevanceScorer.offTopicCosine) - 4, anchor: "end", size: 10)
        for (series, colour, value) in [("to the instruction", blue, { (p: RelevanceAlongOutput.Position) in p.instruction }),
                                        ("to the plan point", orange, { (p: RelevanceAlongOutput.Position) in p.plan })] {
            var previous: (Double, Double)?
            for (i, p) in positions.enumerated() {
                let point = (x(Double(i + 1)), y(value(p) / Double(p.sections)))
                if let previous { c.line(x1: previous.0, y1: previous.1, x2: point.0, y2: point.1, stroke: colour, width: 2) }
                c.circle(x: point.0, y: point.1, r: 4, fill: colour,
                         label: "section \(i + 1), \(series): \(String(format: "%.3f", value(p) / Double(p.sections))) over \(p.sections) records")
                previous = point
            }
        }
        for (i, (text, fill)) in [("to the instruction", blue), ("to the plan point", orange)].enumerated() {
            let lx = c.plotLeft + 12 + Double(i) * 150
            c.circle(x: lx, y: c.plotTop + 10, r: 5, fill: fill)
            c.text(text, x: lx + 10, y: c.plotTop + 14, anchor: "start", size: 11)
        }
        return c.rendered()
    }
}
