/// Finds stop strings in streamed text and holds back any tail that could still become one,
/// so that a stop string is never half-emitted.
///
/// Matching is on UTF-8 bytes (exact, no Unicode normalisation or grapheme merging, so a stop
/// string "\n" is found inside "\r\n"). Only the held-back tail and the new piece are examined,
/// so each call costs O(piece + longest stop string) however long the generation grows.
struct StopStringMatcher {
    private let stops: [[UInt8]]
    /// Bytes received but not yet emitted: a suffix that is a proper prefix of some stop string.
    private var pending: [UInt8] = []

    init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty }.map { Array($0.utf8) } }

    /// Adds decoded text (whole characters); returns the text safe to emit now and whether a
    /// stop string was found (then the returned text ends right before it). With `detecting`
    /// false (e.g. before a minimum length) nothing is held back and no stop is reported.
    mutating func add(_ piece: String, detecting: Bool = true) -> (emit: String, stopped: Bool) {
        pending += piece.utf8
        guard detecting, !stops.isEmpty else { return (takePending(), false) }
        if let cut = stops.compactMap({ firstOccurrence(of: $0) }).min() {
            pending.removeSubrange(cut...)
            return (takePending(), true)
        }
        let held = stops.map(longestSuffixThatPrefixes).max() ?? 0
        let emit = String(decoding: pending[..<(pending.count - held)], as: UTF8.self)
        pending.removeFirst(pending.count - held)
        return (emit, false)
    }

    /// Whatever was held back, at the end of generation.
    mutating func flush() -> String { takePending() }

    private mutating func takePending() -> String {
        defer { pending.removeAll(keepingCapacity: true) }
        return String(decoding: pending, as: UTF8.self)
    }

    private func firstOccurrence(of stop: [UInt8]) -> Int? {
        guard pending.count >= stop.count else { return nil }
        return (0 ... pending.count - stop.count).first { start in
            pending[start ..< start + stop.count].elementsEqual(stop)
        }
    }

    /// Length of the longest suffix of `pending` that is a proper prefix of `stop`.
    private func longestSuffixThatPrefixes(_ stop: [UInt8]) -> Int {
        for length in stride(from: min(stop.count - 1, pending.count), to: 0, by: -1)
        where pending[(pending.count - length)...].elementsEqual(stop[..<length]) {
            return length
        }
        return 0
    }
}
