/// Makes length requirements with round numbers: from a response's actual length (so the pair
/// complies by construction) or around a target length (before the response is written).
/// Random choices come from a seed, so the same record always gets the same requirement.
public struct RequirementMaker: Sendable, Encodable {
    public var forms: [LengthRequirement.Form]

    public init(forms: [LengthRequirement.Form] = LengthRequirement.Form.allCases) {
        self.forms = forms.isEmpty ? LengthRequirement.Form.allCases : forms
    }

    /// A requirement that a response of `length` fully complies with (score 1).
    public func fitting(length y: Int, seed: UInt64) -> LengthRequirement {
        var random = SplitMix(seed)
        let form = forms[Int(random.next() % UInt64(forms.count))]
        let candidate: LengthRequirement
        switch form {
        case .about:
            candidate = LengthRequirement(form: .about, value: Self.round(Double(y)))
        case .between:
            candidate = LengthRequirement(form: .between, value: Self.round(Double(y) * random.uniform(0.6, 0.9), .down),
                                          upper: Self.round(Double(y) * random.uniform(1.1, 1.4), .up))
        case .moreThan:
            candidate = LengthRequirement(form: .moreThan, value: Self.round(Double(y) / random.uniform(1.05, 1.4), .down))
        case .lessThan:
            candidate = LengthRequirement(form: .lessThan, value: Self.round(Double(y) / random.uniform(0.6, 0.95), .up))
        }
        // Rounding can push the length out of the band: then the band centred on it, then "about".
        let centred = form == .moreThan || form == .lessThan ? around(target: y, form: form) : candidate
        let fallbacks = [candidate, centred, LengthRequirement(form: .about, value: Self.round(Double(y)))]
        return fallbacks.first { $0.value > 0 && $0.score(y) == 1 } ?? LengthRequirement(form: .about, value: y)
    }

    /// A requirement whose band is centred near `target`.
    public func around(target t: Int, seed: UInt64) -> LengthRequirement {
        var random = SplitMix(seed)
        return around(target: t, form: forms[Int(random.next() % UInt64(forms.count))])
    }

    /// The requirement of `form` whose band is centred near `target`.
    func around(target t: Int, form: LengthRequirement.Form) -> LengthRequirement {
        let target = Double(t)
        switch form {
        case .about: return LengthRequirement(form: .about, value: Self.round(target))
        case .between: return LengthRequirement(form: .between, value: Self.round(0.8 * target, .down), upper: Self.round(1.2 * target, .up))
        case .moreThan: return LengthRequirement(form: .moreThan, value: Self.round(target / 1.25))
        case .lessThan: return LengthRequirement(form: .lessThan, value: Self.round(target / 0.75))
        }
    }

    /// `x` rounded to a step that suits its size (5 below 100, 50 below 1,000, 100 below 10,000, then 500).
    static func round(_ x: Double, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int {
        let step: Double = x < 100 ? 5 : x < 1000 ? 50 : x < 10000 ? 100 : 500
        return max(Int(step), Int((x / step).rounded(rule) * step))
    }

    /// splitmix64: a small deterministic generator.
    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return StableHash.mix(state)
        }
        mutating func uniform(_ low: Double, _ high: Double) -> Double {
            low + (high - low) * Double(next() >> 11) / Double(1 << 53)
        }
    }
}
