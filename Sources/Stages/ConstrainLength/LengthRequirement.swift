/// An explicit length requirement of a query and the band of lengths that complies with it.
///
/// | form | wording | band (score 1) |
/// |---|---|---|
/// | `about` | about N | [0.8 N, 1.2 N] |
/// | `between` | between A and B | [A, B] |
/// | `more_than` | more than a | [a, 1.5 a] |
/// | `less_than` | less than b | [0.5 b, b] |
///
/// Outside the band the score falls linearly: below it to 0 at length 0, above it to 0 at twice
/// the band's upper end. Lengths are CJK characters plus words (`LengthCounter`).
public struct LengthRequirement: Sendable, Equatable {
    public enum Form: String, Sendable, CaseIterable, Encodable {
        case about
        case between
        case moreThan = "more_than"
        case lessThan = "less_than"
    }

    public var form: Form
    /// N (about), A (between), a (more than), b (less than).
    public var value: Int
    /// B (between); nil for the other forms.
    public var upper: Int?

    public init(form: Form, value: Int, upper: Int? = nil) {
        self.form = form
        self.value = value
        self.upper = form == .between ? upper : nil
    }

    /// The lengths that comply fully.
    public var band: ClosedRange<Double> {
        let v = Double(value)
        switch form {
        case .about: return (0.8 * v)...(1.2 * v)
        case .between: return v...Double(max(upper ?? value, value))
        case .moreThan: return v...(1.5 * v)
        case .lessThan: return (0.5 * v)...v
        }
    }

    /// The length aimed at: the middle of the band.
    public var target: Int { Int(((band.lowerBound + band.upperBound) / 2).rounded()) }

    /// Compliance of a produced length: 1 inside the band, falling linearly outside it.
    public func score(_ length: Int) -> Double {
        let y = Double(length), band = self.band
        if band.contains(y) { return 1 }
        if y < band.lowerBound { return band.lowerBound > 0 ? max(0, y / band.lowerBound) : 0 }
        return max(0, 1 - (y - band.upperBound) / band.upperBound)
    }
}
