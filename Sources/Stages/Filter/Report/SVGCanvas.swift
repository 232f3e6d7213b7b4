import Foundation

/// A linear map from data values to pixels (`range` may run downwards, as y does), with round
/// tick values for axes.
struct LinearScale {
    let domain: ClosedRange<Double>
    let range: (from: Double, to: Double)

    init(domain: ClosedRange<Double>, range: (Double, Double)) {
        self.domain = domain
        self.range = range
    }

    func callAsFunction(_ x: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return range.from }
        return range.from + (x - domain.lowerBound) / span * (range.to - range.from)
    }

    /// About `count` ticks at multiples of 1, 2 or 5 × 10ⁿ inside the domain (whole numbers
    /// only when the axis counts things).
    func ticks(_ count: Int, counts: Bool = false) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return [domain.lowerBound] }
        let raw = max(counts ? 1 : 0, span / Double(max(1, count)))
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        var ticks: [Double] = []
        var t = (domain.lowerBound / step).rounded(.up) * step
        while t <= domain.upperBound + step * 1e-9 { ticks.append(t); t += step }
        return ticks
    }
}

/// An SVG drawing with a plot area inside margins; charts add elements to it.
struct SVGCanvas {
    let width: Double
    let height: Double
    let title: String
    var left = 64.0, right = 24.0, top = 40.0, bottom = 52.0
    private(set) var elements: [String] = []

    init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        self.title = title
    }

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    mutating func add(_ element: String) { elements.append(element) }

    mutating func text(_ s: String, x: Double, y: Double, anchor: String = "middle", size: Double = 12, weight: String = "normal",
                       rotate: Double? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(Self.n($0)) \(Self.n(x)) \(Self.n(y)))\"" } ?? ""
        add("<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.n(size))\" "
            + "font-weight=\"\(weight)\"\(transform)>\(Self.escape(s))</text>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#444", width: Double = 1, dash: String? = nil) {
        add("<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(Self.n(width))\"" + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, label: String? = nil) {
        add("<rect class=\"mark\" x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(0, width)))\" height=\"\(Self.n(max(0, height)))\" "
            + "fill=\"\(fill)\">" + (label.map { "<title>\(Self.escape($0))</title>" } ?? "") + "</rect>")
    }

    mutating func circle(x: Double, y: Double, r: Double, fill: String, label: String? = nil) {
        add("<circle class=\"mark\" cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\" fill-opacity=\"0.75\">"
            + (label.map { "<title>\(Self.escape($0))</title>" } ?? "") + "</circle>")
    }

    /// Axes with ticks, tick labels and axis titles around the plot area.
    /// `xCounts`/`yCounts`: the axis counts things, so its ticks are whole numbers.
    mutating func axes(x: LinearScale?, y: LinearScale?, xTitle: String, yTitle: String, xTicks: Int = 6, yTicks: Int = 5,
                       xCounts: Bool = false, yCounts: Bool = false) {
        line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom)
        line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom)
        if let x {
            for t in x.ticks(xTicks, counts: xCounts) {
                line(x1: x(t), y1: plotBottom, x2: x(t), y2: plotBottom + 5)
                text(Self.label(t), x: x(t), y: plotBottom + 18, size: 11)
            }
        }
        if let y {
            for t in y.ticks(yTicks, counts: yCounts) {
                line(x1: plotLeft - 5, y1: y(t), x2: plotLeft, y2: y(t))
                line(x1: plotLeft, y1: y(t), x2: plotRight, y2: y(t), stroke: "#e4e4e4")
                text(Self.label(t), x: plotLeft - 8, y: y(t) + 4, anchor: "end", size: 11)
            }
        }
        text(xTitle, x: (plotLeft + plotRight) / 2, y: height - 12, size: 12)
        text(yTitle, x: 16, y: (plotTop + plotBottom) / 2, size: 12, rotate: -90)
    }

    /// A note in the middle of the plot area, for charts without data.
    mutating func empty(_ message: String) {
        text(message, x: (plotLeft + plotRight) / 2, y: (plotTop + plotBottom) / 2, size: 14)
    }

    /// The SVG document (also valid inline in HTML).
    func rendered() -> String {
        let header = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
            + "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" role=\"img\" aria-label=\"\(Self.escape(title))\" "
            + "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\">"
        let heading = "<title>\(Self.escape(title))</title><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
            + "<text x=\"\(Self.n(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(Self.escape(title))</text>"
        return header + heading + elements.joined() + "</svg>\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A coordinate with at most one decimal.
    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// A tick label: 1200 → "1,200", 16000 → "16k", 0.5 → "0.5".
    static func label(_ x: Double) -> String {
        if abs(x) >= 10_000 { return n(x / 1000) + "k" }
        guard x == x.rounded() else { return String(format: "%g", x) }
        let digits = String(Int(abs(x)))
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (x < 0 ? "-" : "") + grouped
    }
}
