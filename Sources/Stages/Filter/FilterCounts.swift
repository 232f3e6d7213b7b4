/// What each rule of a `dedup-filter` run checked and dropped (a record is checked by a rule only
/// if it passed the rules before it).
public struct FilterCounts: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var checked = 0
        public var dropped = 0
        /// Records the rule let through.
        public var kept: Int { checked - dropped }
    }

    /// Counts by rule name, for rules that checked at least one record.
    public private(set) var rules: [String: Rule] = [:]
    /// Rule names in the order they first ran.
    public private(set) var order: [String] = []
    /// New records seen, and kept.
    public var records = 0
    public var kept = 0

    mutating func checked(_ rule: String, dropped: Bool) {
        if rules[rule] == nil { order.append(rule) }
        rules[rule, default: Rule()].checked += 1
        if dropped { rules[rule]!.dropped += 1 }
    }

}
