import Digest
import Pipeline
import Store

/// Reads long texts from an input file: a plain text file is one text; a JSONL file (plain or
/// `.zst`) holds one text per line, as `{"text": …}`, as a stage record's `response` (the `write`
/// and `lengthen` stages' outputs) or as the last assistant turn of `messages` (exported records).
enum LongTextReader {
    /// One text, or why a line holds none.
    enum Entry {
        case text(String, line: Int?, sourceID: String?, digest: String)
        case failure(reason: String, detail: String, line: Int, digest: String)
    }

    /// Reads `file`, handing each entry to `body` in order.
    static func read(_ file: String, wholeFile: Bool, _ body: (Entry) async throws -> Void) async throws {
        let reader = try LineReader(path: file)
        if wholeFile {
            var lines: [String] = []
            var hasher = SHA256()
            while let line = try reader.next() {
                guard case .text(let bytes) = line else { continue }
                hasher.update(bytes)
                hasher.update([0x0A])
                lines.append(String(decoding: bytes, as: UTF8.self))
            }
            try await body(.text(lines.joined(separator: "\n"), line: nil, sourceID: nil, digest: hasher.finalizeHex()))
            return
        }
        while let line = try reader.next() {
            let number = reader.lineNumber
            guard case .text(let bytes) = line else {
                try await body(.failure(reason: "line_too_long", detail: "the line is too long to read", line: number, digest: "oversized"))
                continue
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let digest = SHA256.hex(of: bytes)
            do {
                let (text, id) = try extract(bytes)
                try await body(.text(text, line: number, sourceID: id, digest: digest))
            } catch let failure as Failure {
                try await body(.failure(reason: failure.reason, detail: failure.detail, line: number, digest: digest))
            }
        }
    }

    struct Failure: Error {
        let reason: String
        let detail: String
    }

    /// The text of one JSONL line and its `id`, if it has one.
    static func extract(_ bytes: [UInt8]) throws -> (String, String?) {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Failure(reason: "invalid_utf8", detail: "the line is not valid UTF-8") }
        guard let value = try? JSONValue.parse(bytes) else { throw Failure(reason: "invalid_json", detail: "not valid JSON") }
        guard case .object(let object) = value else {
            throw Failure(reason: "not_an_object", detail: "a JSON \(value.typeName), expected an object")
        }
        let id = object["id"]?.string
        for field in ["text", "response"] {
            guard let found = object[field] else { continue }
            guard let text = found.string else { throw Failure(reason: "wrong_type", detail: "field \(field) is a \(found.typeName), expected a string") }
            return (text, id)
        }
        if let messages = object["messages"]?.array,
           let answer = messages.last(where: { $0["role"]?.string == "assistant" })?["content"]?.string {
            return (answer, id)
        }
        throw Failure(reason: "missing_text", detail: "the object has none of the fields text, response, messages (with an assistant turn)")
    }
}
