/// Finds stop strings in streamed text and holds back any tail that could still become one,
/// so that a stop string is never half-emitted.
struct StopStringMatcher {
    let stops: [String]
    private(set) var text = ""
    private var emitted = 0

    init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// Adds decoded text; returns the text safe to emit now and whether a stop string was found
    /// (then the returned text ends right before it).
    mutating func add(_ piece: String) -> (emit: String, stopped: Bool) {
        if stops.isEmpty { return (piece, false) }
        text += piece
        if let cut = stops.compactMap({ text.range(of: $0)?.lowerBound }).min() {
            text = String(text[..<cut])
            return (takeNew(upTo: text.count), true)
        }
        var holdBack = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, text.count), to: 0, by: -1) where text.hasSuffix(stop.prefix(length)) {
                holdBack = max(holdBack, length)
                break
            }
        }
        return (takeNew(upTo: text.count - holdBack), false)
    }

    /// Whatever was held back, at the end of generation.
    mutating func flush() -> String { stops.isEmpty ? "" : takeNew(upTo: text.count) }

    private mutating func takeNew(upTo end: Int) -> String {
        guard end > emitted else { return "" }
        let start = text.index(text.startIndex, offsetBy: emitted)
        let stop = text.index(text.startIndex, offsetBy: end)
        emitted = end
        return String(text[start..<stop])
    }
}
