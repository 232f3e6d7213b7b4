import Foundation
import Pipeline
import Store

/// The items of user-named evaluation sets (benchmark prompts and answers a model will be
/// evaluated on), read from JSONL (every string field of each object, or the fields named) or
/// plain text (one item per line), each plain or `.zst`.
public struct EvaluationItem: Sendable {
    /// `file:line` as the pipeline names the file.
    public var location: String
    public var text: String

    public init(location: String, text: String) {
        self.location = location
        self.text = text
    }
}

enum EvaluationSetReader {
    /// Every item of `file`; `fields` picks the JSONL fields read (empty: every string field).
    static func items(of file: String, display: String, fields: [String]) throws -> [EvaluationItem] {
        let jsonl = !(MineStage.isTextFile(file))
        let reader = try LineReader(path: file, maxLineBytes: 64 << 20)
        var items: [EvaluationItem] = []
        while let line = try reader.next() {
            guard case .text(let bytes) = line, bytes.contains(where: { $0 > 0x20 }) else { continue }
            let location = "\(display):\(reader.lineNumber)"
            guard jsonl else {
                items.append(EvaluationItem(location: location, text: String(decoding: bytes, as: UTF8.self)))
                continue
            }
            guard case .object(let object) = try? JSONValue.parse(bytes) else {
                throw PipelineError.input(file: file, message: "line \(reader.lineNumber): not a JSON object (evaluation sets are JSONL objects or plain text, one item a line)")
            }
            let keys = fields.isEmpty ? object.keys.sorted() : fields
            for key in keys { if let text = object[key]?.string { items.append(EvaluationItem(location: location + " \(key)", text: text)) } }
        }
        return items
    }
}

/// Word n-grams (character n-grams for CJK text) of evaluation items, hashed: which item a record's
/// n-gram comes from. Memory: 12 bytes per distinct n-gram (about 24 MB for 10,000 items of 200 words).
public struct ContaminationIndex: Sendable {
    let words: Int
    let cjkCharacters: Int
    let items: [EvaluationItem]
    private let owner: [UInt64: Int32]

    public init(items: [EvaluationItem], words: Int, cjkCharacters: Int) {
        self.words = words
        self.cjkCharacters = cjkCharacters
        self.items = items
        var owner: [UInt64: Int32] = [:]
        for (i, item) in items.enumerated() {
            let units = TextUnits(item.text)
            for hash in NGrams.hashes(units, n: NGrams.size(for: units, words: words, cjkCharacters: cjkCharacters)) where owner[hash] == nil {
                owner[hash] = Int32(i)
            }
        }
        self.owner = owner
    }

    public var ngramCount: Int { owner.count }

    /// The first evaluation item `text` shares an n-gram with, and the unit where the match starts.
    public func match(_ text: String) -> (item: EvaluationItem, unit: Int)? {
        let units = TextUnits(text)
        for n in Set([words, cjkCharacters]).sorted() where n == NGrams.size(for: units, words: words, cjkCharacters: cjkCharacters) {
            for (position, hash) in NGrams.hashes(units, n: n).enumerated() {
                if let i = owner[hash] { return (items[Int(i)], position) }
            }
        }
        return nil
    }
}
