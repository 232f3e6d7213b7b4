import Digest

/// Which records a stage works on, from its `select:` parameter: records of the listed `kinds`
/// (the `kind` field every stage sets), and of those a stable `share` chosen by record id. Every
/// other record passes the stage unchanged, so one pipeline can run several recipes side by side.
public struct RecordSelector: Sendable, Equatable {
    public var kinds: [String]
    /// Fraction (0…1) of the matching records taken, by a hash of their id.
    public var share: Double

    public static let keys = ["kinds", "share"]

    public init(kinds: [String], share: Double = 1) {
        self.kinds = kinds
        self.share = share
    }

    /// Reads `select: {kinds: [...], share: 0.5}`.
    public init(_ object: ConfigObject) throws {
        let p = try object.restricted(to: Self.keys)
        var kinds: [String] = []
        for (i, value) in (try p.array("kinds") ?? []).enumerated() {
            guard let kind = value.string else { throw p.document.error(p.sub("kinds") + "[\(i)]", "expected a record kind, found \(value.typeName)") }
            kinds.append(kind)
        }
        guard !kinds.isEmpty else { throw p.document.error(p.sub("kinds"), "select needs kinds: the record kinds the stage works on") }
        self.init(kinds: kinds, share: try p.double("share", range: 0...1) ?? 1)
    }

    /// Whether the stage works on `record`.
    public func selects(_ record: Record) -> Bool {
        guard let kind = record["kind"]?.string, kinds.contains(kind) else { return false }
        if share >= 1 { return true }
        return Self.position(of: record.id) < share
    }

    /// A stable number in [0, 1) from a record id.
    static func position(of id: String) -> Double {
        let hex = ContentHash.of("select", id).prefix(13)
        return Double(UInt64(hex, radix: 16) ?? 0) / Double(1 << 52)
    }

    /// Splits the `select` key off a stage's parameters: the selector, and the parameters the stage itself reads.
    public static func split(_ params: ConfigObject) throws -> (RecordSelector?, ConfigObject) {
        guard let value = params.object["select"] else { return (nil, params) }
        let selector = try RecordSelector(ConfigObject(params.document, path: params.sub("select"), value: value, allowed: keys))
        var rest = params.object
        rest["select"] = nil
        return (selector, try ConfigObject(params.document, path: params.path, value: .object(rest), allowed: Array(rest.keys)))
    }

    /// Canonical form, part of the selecting stage's config hash.
    var canonical: String { "kinds=\(kinds.joined(separator: ","));share=\(share)" }
}
