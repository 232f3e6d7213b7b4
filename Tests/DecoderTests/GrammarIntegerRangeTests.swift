import Testing
@testable import Decoder

@Suite("Grammar: integer ranges")
struct GrammarIntegerRangeTests {
    /// Spellings no range may accept.
    private static let nonCanonical = ["", "-", "-0", "+1", "00", "01", "-01", "007", "1.0", "1e2", " 1", "1 ", "--1", "0x1"]

    /// Checks the range on the canonical spelling of every integer in `span`, and on non-canonical ones.
    private static func check(_ minimum: Int64, _ maximum: Int64, span: ClosedRange<Int64>) throws {
        let node = try #require(IntegerRangePattern.node(minimum: minimum, maximum: maximum))
        var matcher = try GrammarTestSupport.Matcher(node)
        for value in span {
            let text = String(value)
            let inside = value >= minimum && value <= maximum
            #expect(try matcher.accepts(text) == inside, "[\(minimum), \(maximum)] on \(text)")
        }
        for text in nonCanonical {
            #expect(try !matcher.accepts(text), "[\(minimum), \(maximum)] on \(text.debugDescription)")
        }
    }

    @Test("every range with bounds among -120...120 (stride 11 and digit-count edges) is exact on -150...150")
    func smallRanges() throws {
        let bounds: [Int64] = Array(stride(from: -120, through: 120, by: 11)) + [-100, -99, -10, -9, -1, 0, 1, 9, 10, 99, 100]
        for minimum in bounds {
            for maximum in bounds where maximum >= minimum {
                try Self.check(minimum, maximum, span: -150 ... 150)
            }
        }
    }

    @Test("ranges across digit counts and the plan's word counts")
    func wideRanges() throws {
        for (minimum, maximum): (Int64, Int64) in [(200, 1000), (0, 1000), (-1000, -200), (-1150, 1150), (99, 1001),
                                                  (109, 1099), (190, 210), (5, 5), (-5, -5), (0, 0)] {
            try Self.check(minimum, maximum, span: -1200 ... 1200)
        }
    }

    @Test("64-bit extremes: the full range, and bounds at Int64.min / Int64.max")
    func extremes() throws {
        var full = try GrammarTestSupport.Matcher(try #require(IntegerRangePattern.node(minimum: .min, maximum: .max)))
        for text in ["0", "-1", "9223372036854775807", "-9223372036854775808", "1000000000000000000"] {
            #expect(try full.accepts(text), "\(text)")
        }
        for text in ["9223372036854775808", "-9223372036854775809", "10000000000000000000", "-0", "01"] {
            #expect(try !full.accepts(text), "\(text)")
        }
        var top = try GrammarTestSupport.Matcher(try #require(IntegerRangePattern.node(minimum: .max - 1, maximum: .max)))
        #expect(try top.accepts("9223372036854775806"))
        #expect(try !top.accepts("9223372036854775805"))
    }

    @Test("an empty range has no pattern")
    func emptyRange() {
        #expect(IntegerRangePattern.node(minimum: 5, maximum: 4) == nil)
    }
}
