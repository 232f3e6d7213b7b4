import Testing
@testable import Decoder

@Suite("Stop strings")
struct StopStringMatcherTests {
    /// Feeds `pieces`; returns everything emitted (including the final flush) and whether a stop was met.
    private static func run(_ stops: [String], _ pieces: [String], detecting: Bool = true) -> (text: String, emitted: [String], stopped: Bool) {
        var matcher = StopStringMatcher(stops)
        var emitted: [String] = []
        for piece in pieces {
            let (emit, stopped) = matcher.add(piece, detecting: detecting)
            emitted.append(emit)
            if stopped { return (emitted.joined(), emitted, true) }
        }
        emitted.append(matcher.flush())
        return (emitted.joined(), emitted, false)
    }

    @Test("a stop string split over pieces is found, and no part of it is emitted")
    func acrossPieces() {
        let result = Self.run(["o wor"], ["Hel", "lo w", "or", "ld"])
        #expect(result.stopped)
        #expect(result.text == "Hell")
        #expect(result.emitted == ["Hel", "l", ""], "the possible start 'o w' is held back, never emitted")
    }

    @Test("a held-back prefix that does not complete is released, in order")
    func falseStart() {
        let result = Self.run(["END"], ["a E", "N", "x", "y"])
        #expect(!result.stopped)
        #expect(result.text == "a ENxy")
        #expect(result.emitted == ["a ", "", "ENx", "y", ""])
    }

    @Test("the earliest of several stop strings wins, even inside one piece")
    func earliest() {
        let result = Self.run(["cd", "b"], ["abcd"])
        #expect(result.stopped && result.text == "a")
    }

    @Test("matching is on bytes: multi-byte characters, and \\n inside \\r\\n")
    func bytes() {
        #expect(Self.run(["é!"], ["caf", "é", "! done"]).text == "caf")
        let crlf = Self.run(["\n"], ["line one\r\n", "line two"])
        #expect(crlf.stopped && crlf.text == "line one\r")
    }

    @Test("without detection (before a minimum length) everything passes at once")
    func notDetecting() {
        let result = Self.run(["END"], ["a EN", "D b"], detecting: false)
        #expect(!result.stopped && result.text == "a END b" && result.emitted == ["a EN", "D b", ""])
    }

    @Test("no stop strings: pieces pass through unchanged")
    func none() {
        #expect(Self.run([], ["x", "", "yz"]).emitted == ["x", "", "yz", ""])
    }
}
