/// A regular language over Unicode scalars: what a parsed regular expression or a compiled JSON
/// schema means. `ByteNFA` lowers it to UTF-8 bytes.
indirect enum RegexNode: Equatable, Sendable {
    /// The empty string.
    case empty
    /// One scalar out of the set (never empty).
    case scalars(ScalarSet)
    /// The parts one after another.
    case sequence([RegexNode])
    /// Any one of the choices.
    case choice([RegexNode])
    /// `node` between `min` and `max` times (`nil`: no upper bound).
    case repeated(RegexNode, min: Int, max: Int?)

    /// The exact text `text`.
    static func literal(_ text: String) -> RegexNode {
        let parts = text.unicodeScalars.map { RegexNode.scalars(ScalarSet($0)) }
        return parts.count == 1 ? parts[0] : .sequence(parts)
    }

    /// One scalar between `low` and `high` inclusive.
    static func range(_ low: Unicode.Scalar, _ high: Unicode.Scalar) -> RegexNode {
        .scalars(ScalarSet([low.value ... high.value]))
    }

    /// `node` or nothing.
    static func optional(_ node: RegexNode) -> RegexNode { .repeated(node, min: 0, max: 1) }

    /// Replaces every `.scalars` leaf by `transform(set)`, keeping the structure around it.
    func mapScalars(_ transform: (ScalarSet) -> RegexNode) -> RegexNode {
        switch self {
        case .empty: return .empty
        case .scalars(let set): return transform(set)
        case .sequence(let parts): return .sequence(parts.map { $0.mapScalars(transform) })
        case .choice(let choices): return .choice(choices.map { $0.mapScalars(transform) })
        case .repeated(let node, let min, let max): return .repeated(node.mapScalars(transform), min: min, max: max)
        }
    }
}
