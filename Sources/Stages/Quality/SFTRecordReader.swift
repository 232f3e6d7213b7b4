import Foundation
import Pipeline
import Store

/// The formats of supervised fine-tuning records `lwdata audit` reads.
public enum SFTFormat: String, Sendable, CaseIterable {
    /// Decided per line from the fields present.
    case auto
    /// `{"messages": [{"role", "content"}, …]}` (OpenAI, TRL, axolotl).
    case messages
    /// `{"conversations": [{"from", "value"}, …]}` (LLaMA-Factory, FastChat).
    case sharegpt
    /// `{"instruction", "input", "output"}` (Alpaca).
    case alpaca
}

/// One instruction/response pair read from an SFT file.
public struct SFTExample: Sendable, Equatable {
    /// 1-based line number in its file.
    public var line: Int
    public var id: String?
    public var instruction: String
    public var response: String
}

/// Reads SFT files (plain or `.zst` JSONL) line by line: a line that is not a usable record is
/// reported with its line number and skipped, never ending the read.
public enum SFTRecordReader {
    public enum LineResult: Sendable {
        case example(SFTExample)
        case bad(line: Int, reason: String)
    }

    public static func read(_ path: String, format: SFTFormat, _ body: (LineResult) throws -> Void) throws {
        let reader = try LineReader(path: path, maxLineBytes: 64 << 20)
        while let line = try reader.next() {
            let number = reader.lineNumber
            switch line {
            case .oversized(let count):
                try body(.bad(line: number, reason: "line of \(count) bytes is too long"))
            case .text(let bytes):
                guard bytes.contains(where: { $0 > 0x20 }) else { continue }
                try body(parse(bytes, line: number, format: format))
            }
        }
    }

    static func parse(_ bytes: [UInt8], line: Int, format: SFTFormat) -> LineResult {
        guard let value = try? JSONValue.parse(bytes) else { return .bad(line: line, reason: "not valid JSON") }
        guard case .object(let object) = value else { return .bad(line: line, reason: "not a JSON object") }
        let id = object["id"]?.string ?? object["meta"]?["id"]?.string
        let chosen: SFTFormat
        switch format {
        case .auto:
            if object["messages"] != nil { chosen = .messages }
            else if object["conversations"] != nil { chosen = .sharegpt }
            else if object["instruction"] != nil || object["output"] != nil { chosen = .alpaca }
            else { return .bad(line: line, reason: "no messages, conversations or instruction/output field") }
        default: chosen = format
        }
        let pair: (String, String)?
        switch chosen {
        case .messages: pair = turns(object["messages"], role: "role", text: "content", user: "user", assistant: "assistant")
        case .sharegpt: pair = turns(object["conversations"], role: "from", text: "value", user: "human", assistant: "gpt")
        default:
            let instruction = [object["instruction"]?.string, object["input"]?.string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n\n")
            pair = object["output"]?.string.map { (instruction, $0) }
        }
        guard let (instruction, response) = pair else {
            return .bad(line: line, reason: "no \(chosen.rawValue) user turn and assistant answer")
        }
        return .example(SFTExample(line: line, id: id, instruction: instruction, response: response))
    }

    /// The first user turn and the last assistant turn of a conversation.
    static func turns(_ value: JSONValue?, role: String, text: String, user: String, assistant: String) -> (String, String)? {
        guard let turns = value?.array else { return nil }
        let first = turns.first { $0[role]?.string == user }?[text]?.string
        let last = turns.last { $0[role]?.string == assistant }?[text]?.string
        guard let first, let last else { return nil }
        return (first, last)
    }
}
