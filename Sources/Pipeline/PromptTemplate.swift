import Digest
import Messages
import Foundation

/// A prompt read from a file under `pipelines/prompts/`: chat messages with `{{name}}` slots.
///
/// The file is plain text split into messages by header lines `[system]`, `[user]` and
/// `[assistant]` (few-shot examples are user/assistant pairs); text before the first header
/// is a comment. A slot that is not filled is an error naming the file and the slot.
public struct PromptTemplate: Sendable, Equatable, Encodable {
    public let file: String
    public let messages: [ChatMessage]
    /// Hash of the file's text: part of the cache key of every stage that uses it.
    public let hash: String

    public init(file: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw PipelineError.input(file: file, message: "cannot read the prompt template")
        }
        try self.init(file: file, text: text)
    }

    public init(file: String, text: String) throws {
        self.file = file
        hash = ContentHash.of("prompt", text)
        var messages: [ChatMessage] = []
        var role: String?
        var body: [String] = []
        func flush() {
            if let role { messages.append(ChatMessage(role: role, content: body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))) }
            body = []
        }
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if ["[system]", "[user]", "[assistant]"].contains(trimmed) {
                flush()
                role = String(trimmed.dropFirst().dropLast())
            } else if role != nil {
                body.append(line)
            }
        }
        flush()
        guard messages.last?.role == "user" else {
            throw PipelineError.input(file: file, message: "a prompt template must end with a [user] message")
        }
        self.messages = messages
    }

    /// The slots the template uses.
    public var slots: Set<String> {
        var found = Set<String>()
        for message in messages { Self.scan(message.content) { _, slot in if let slot { found.insert(slot) } } }
        return found
    }

    /// The template's own words: every message with its slots left out (what a model that
    /// echoes its instructions would repeat).
    public var literalText: String {
        var text = ""
        for message in messages { Self.scan(message.content) { run, slot in if slot == nil { text += run + "\n" } } }
        return text
    }

    /// Walks `content` as text runs and `{{slot}}` names (trimmed), in order.
    private static func scan(_ content: String, _ body: (Substring, String?) -> Void) {
        var rest = Substring(content)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            body(rest[..<open.lowerBound], nil)
            body("", rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        body(rest, nil)
    }

    /// The messages with every slot filled.
    public func render(_ values: [String: String]) throws -> [ChatMessage] {
        for slot in slots where values[slot] == nil {
            throw PipelineError.input(file: file, message: "no value for the slot {{\(slot)}}")
        }
        return messages.map { message in
            var content = ""
            Self.scan(message.content) { text, slot in content += slot.map { values[$0] ?? "" } ?? String(text) }
            return ChatMessage(role: message.role, content: content)
        }
    }
}

extension PromptTemplate {
    /// A template encodes as its content hash: in a stage's settings it keys the stage by the
    /// prompt's text, wherever the file lives.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hash)
    }
}
