/// The language of JSON integers in a range, written canonically (no leading zeros, no `-0`,
/// no `+`, no fraction or exponent), as an exact regular expression.
enum IntegerRangePattern {
    /// Integers n with `minimum ≤ n ≤ maximum`; `nil` when no integer is in the range.
    static func node(minimum: Int64, maximum: Int64) -> RegexNode? {
        guard minimum <= maximum else { return nil }
        var choices: [RegexNode] = []
        if minimum < 0 {
            // Negative values: "-" and a magnitude from |largest negative| to |minimum|.
            let largestNegative = min(maximum, -1)
            choices.append(.sequence([.literal("-"),
                                      naturals(from: digits(largestNegative.magnitude), to: digits(minimum.magnitude))]))
        }
        if maximum >= 0 {
            choices.append(naturals(from: digits(UInt64(max(minimum, 0))), to: digits(UInt64(maximum))))
        }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    private static func digits(_ value: UInt64) -> [UInt8] {
        String(value).utf8.map { $0 - UInt8(ascii: "0") }
    }

    /// Canonical naturals from `low` to `high` (decimal digits, `low ≤ high`): one same-length
    /// range per number of digits.
    private static func naturals(from low: [UInt8], to high: [UInt8]) -> RegexNode {
        var choices: [RegexNode] = []
        for length in low.count ... high.count {
            let from = length == low.count ? low : [1] + [UInt8](repeating: 0, count: length - 1)
            let to = length == high.count ? high : [UInt8](repeating: 9, count: length)
            choices.append(sameLength(from, to))
        }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    /// Digit strings of one length between `low` and `high` inclusive: the shared leading digit,
    /// or the low edge, the full middle and the high edge.
    private static func sameLength(_ low: [UInt8], _ high: [UInt8]) -> RegexNode {
        guard let lowFirst = low.first, let highFirst = high.first else { return .empty }
        let lowRest = Array(low.dropFirst()), highRest = Array(high.dropFirst())
        if lowFirst == highFirst {
            return joined(digitRange(lowFirst, lowFirst), sameLength(lowRest, highRest))
        }
        let lowRestIsZeros = lowRest.allSatisfy { $0 == 0 }
        let highRestIsNines = highRest.allSatisfy { $0 == 9 }
        var choices: [RegexNode] = []
        if !lowRestIsZeros {
            choices.append(joined(digitRange(lowFirst, lowFirst),
                                  sameLength(lowRest, [UInt8](repeating: 9, count: lowRest.count))))
        }
        let middleLow = lowRestIsZeros ? lowFirst : lowFirst + 1
        let middleHigh = highRestIsNines ? highFirst : highFirst - 1
        if middleLow <= middleHigh {
            let anyDigits: RegexNode = lowRest.isEmpty ? .empty : .repeated(digitRange(0, 9), min: lowRest.count, max: lowRest.count)
            choices.append(joined(digitRange(middleLow, middleHigh), anyDigits))
        }
        if !highRestIsNines {
            choices.append(joined(digitRange(highFirst, highFirst),
                                  sameLength([UInt8](repeating: 0, count: highRest.count), highRest)))
        }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    private static func digitRange(_ low: UInt8, _ high: UInt8) -> RegexNode {
        .scalars(ScalarSet([UInt32(low) + 0x30 ... UInt32(high) + 0x30]))
    }

    private static func joined(_ first: RegexNode, _ rest: RegexNode) -> RegexNode {
        rest == .empty ? first : .sequence([first, rest])
    }
}
