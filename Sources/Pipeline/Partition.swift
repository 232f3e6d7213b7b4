import Digest
import Store

/// One part of a deterministic hash partition of a build's items (`lwdata build --part I/N`).
///
/// The source stage still reads every input (so exact dedup and `limit` see the whole input and
/// decide as a full build would), but only the items whose id hashes to this part are written
/// and passed on; every later stage follows. The N parts together hold each item exactly once.
public struct Partition: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 1-based index of this part.
    public let index: Int
    /// Number of parts.
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw PartitionError.invalid("\(index)/\(count)", reason: "expected I/N with 1 ≤ I ≤ N")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`, e.g. `2/4`.
    public init(parsing text: String) throws {
        let fields = text.split(separator: "/", omittingEmptySubsequences: false)
        guard fields.count == 2, let i = Int(fields[0]), let n = Int(fields[1]) else {
            throw PartitionError.invalid(text, reason: "expected I/N, e.g. 2/4")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the item with this id belongs to this part: the first 8 bytes of the id's SHA-256,
    /// modulo `count`, equal `index - 1`.
    public func owns(id: String) -> Bool {
        count == 1 || Self.bucket(of: id, count: count) == index - 1
    }

    /// Whether a source item belongs to this part, by its id: the first record's id, or the
    /// rejection's id.
    public func owns(_ outcome: StageOutcome) -> Bool {
        switch outcome {
        case .records(let records): return records.first.map { owns(id: $0.id) } ?? true
        case .rejected(let id, _): return owns(id: id)
        }
    }

    /// The 0-based part an id falls into among `count` parts.
    public static func bucket(of id: String, count: Int) -> Int {
        let digest = SHA256.hex(of: id)
        return Int(UInt64(digest.prefix(16), radix: 16)! % UInt64(count))
    }
}

/// Why a partition cannot be used.
public enum PartitionError: Error, CustomStringConvertible, Sendable {
    case invalid(String, reason: String)
    case mismatch(directory: String, recorded: Partition?, requested: Partition?)
    case unreadable(path: String, message: String)
    /// The folders given to `lwdata merge` are not the parts of one partition.
    case coverage(String)

    public var description: String {
        switch self {
        case let .invalid(text, reason):
            return "--part \(text): \(reason)"
        case let .mismatch(directory, recorded?, requested):
            return "\(directory) holds part \(recorded) of a partitioned build; resume it with --part \(recorded)"
                + (requested.map { " (not \($0))" } ?? "") + ", or build into another folder"
        case let .mismatch(directory, nil, requested):
            return "\(directory) holds a build of all items; it cannot be resumed as part \(requested.map(\.description) ?? "?"), build into another folder"
        case let .unreadable(path, message):
            return "\(path): \(message)"
        case let .coverage(message):
            return message
        }
    }
}
