import Foundation
import Pipeline

/// One query labelled with the length bucket its answer needs (`data/length-demand/labelled.jsonl`).
public struct LabelledQuery: Sendable, Equatable {
    public let query: String
    public let bucket: LengthBucket
    /// `train`, `heldout`, or nil (a user's file: every row is for training).
    public let split: String?

    public init(query: String, bucket: LengthBucket, split: String? = nil) {
        self.query = query
        self.bucket = bucket
        self.split = split
    }

    /// Whether the predictor may learn from it: rows marked `heldout` are kept out, so figures on
    /// them stay honest.
    public var isTraining: Bool { split != "heldout" }
}

/// Reading labelled-query files: JSONL with `query` (string) and `bucket` (0, 2000, 4000, 8000 or
/// 16000); `split` is optional, other fields are ignored.
public enum LabelledQueries {
    /// Problems with a labelled file, naming it and the line.
    public enum ReadError: Error, CustomStringConvertible {
        case unreadable(file: String, reason: String)
        case badLine(file: String, line: Int, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let file, let reason): return "\(file): \(reason)"
            case .badLine(let file, let line, let reason): return "\(file):\(line): \(reason)"
            }
        }
    }

    /// The rows of the labelled set shipped with lwdata (`data/length-demand/labelled.jsonl`, compiled in).
    public static let builtin: [LabelledQuery] = {
        // The compiled-in copy is checked against the data file by the tests, so it always parses.
        (try? parse(LengthDemandSet.jsonl, file: "builtin")) ?? []
    }()

    /// The rows of a labelled JSONL file.
    public static func read(file path: String) throws -> [LabelledQuery] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReadError.unreadable(file: path, reason: "cannot read the file") }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// The rows of labelled JSONL text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> [LabelledQuery] {
        var rows: [LabelledQuery] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            let number = index + 1
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw ReadError.badLine(file: file, line: number, reason: "not a JSON object")
            }
            guard let query = object["query"] as? String, !query.isEmpty else {
                throw ReadError.badLine(file: file, line: number, reason: "field 'query' must be a non-empty string")
            }
            guard let raw = object["bucket"] as? Int, let bucket = LengthBucket(rawValue: raw) else {
                throw ReadError.badLine(file: file, line: number, reason: "field 'bucket' must be 0, 2000, 4000, 8000 or 16000, found \(object["bucket"] ?? "nothing")")
            }
            rows.append(LabelledQuery(query: query, bucket: bucket, split: object["split"] as? String))
        }
        return rows
    }
}
