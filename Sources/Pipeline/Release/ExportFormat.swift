/// Why a dataset record cannot be exported.
public enum ExportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The line is not a JSON object with `messages` of `{role, content}` turns.
    case notAConversation(file: String, line: Int, detail: String)
    /// A release file differs from what the manifest registered.
    case releaseFileAltered(path: String)
    /// The destination exists and is not an earlier export (no `export.json`).
    case destinationInUse(path: String)

    public var description: String {
        switch self {
        case let .notAConversation(file, line, detail):
            return "\(file):\(line): not a conversation record (\(detail)); export reads the records of an `export` stage"
        case let .releaseFileAltered(path):
            return "\(path): the file differs from the manifest's SHA-256; run `lwdata verify`"
        case let .destinationInUse(path):
            return "\(path) exists and is not an lwdata export (it has no export.json); choose another --to"
        }
    }
}

/// The training formats `lwdata export` writes, one JSON object a line.
///
/// - `messages`: `{"messages": [{"role", "content"}, …]}` (OpenAI fine-tuning, axolotl `chat_template`,
///   TRL, LLaMA-Factory `sharegpt` with OpenAI tags).
/// - `sharegpt`: `{"conversations": [{"from": "human"|"gpt", "value"}, …], "system"?}`.
/// - `alpaca`: `{"instruction", "input": "", "output", "system"?, "history"?: [[user, assistant], …]}`.
/// - `dpo`, `dpo-implicit`, `ranking`: the preference pairs of a `make-pairs` stage (see `ExportFormat+Pairs`).
///
/// The conversation formats read the training records of an `export` stage and pass over pair
/// records; the pair formats read pair records and pass over training records.
public enum ExportFormat: String, CaseIterable, Sendable {
    case messages, sharegpt, alpaca
    case dpo, dpoImplicit = "dpo-implicit", ranking

    /// One conversation: an optional system prompt, then user and assistant turns.
    struct Conversation {
        var system: String?
        var turns: [(role: String, content: String)]
    }

    /// Which optional columns the converted records used (for the LLaMA-Factory entry).
    public struct Columns: Sendable, Equatable {
        public var system = false
        public var history = false
        public init() {}
    }

    /// Converts one dataset record; `columns` notes the optional columns it used. Nil when the
    /// format does not carry the record: a record of the other kind (pair or training record), or
    /// a pair whose halves have different prompts in a format with one shared prompt.
    public func convert(_ record: JSONValue, columns: inout Columns) throws -> JSONValue? {
        if isPairFormat { return Self.isPair(record) ? try convertPair(record) : nil }
        if Self.isPair(record) { return nil }
        let conversation = try Self.conversation(of: record)
        var out: [String: JSONValue] = [:]
        if let system = conversation.system { columns.system = true; out["system"] = .string(system) }
        switch self {
        case .messages:
            var turns = conversation.turns
            if let system = conversation.system { turns.insert((role: "system", content: system), at: 0) }
            out = ["messages": .array(turns.map { ["role": .string($0.role), "content": .string($0.content)] })]
        case .sharegpt:
            out["conversations"] = .array(conversation.turns.map {
                ["from": .string($0.role == "user" ? "human" : "gpt"), "value": .string($0.content)]
            })
        case .dpo, .dpoImplicit, .ranking:
            return nil  // pair formats convert pair records only (above)
        case .alpaca:
            let turns = conversation.turns
            out["instruction"] = .string(turns[turns.count - 2].content)
            out["input"] = ""
            out["output"] = .string(turns[turns.count - 1].content)
            if turns.count > 2 {
                columns.history = true
                out["history"] = .array(stride(from: 0, to: turns.count - 2, by: 2).map {
                    [.string(turns[$0].content), .string(turns[$0 + 1].content)]
                })
            }
        }
        return .object(out)
    }

    /// The LLaMA-Factory `dataset_info.json` entry for files of this format under `fileName`
    /// (a folder or file relative to `dataset_info.json`); nil for the TRL pair formats, which
    /// LLaMA-Factory does not read (`ranking` is its preference format).
    public func llamaFactoryEntry(fileName: String, columns: Columns) -> JSONValue? {
        var entry: [String: JSONValue] = ["file_name": .string(fileName)]
        var names: [String: JSONValue] = [:]
        switch self {
        case .messages:
            entry["formatting"] = "sharegpt"
            names["messages"] = "messages"
            entry["tags"] = ["role_tag": "role", "content_tag": "content", "user_tag": "user",
                             "assistant_tag": "assistant", "system_tag": "system"]
        case .sharegpt:
            entry["formatting"] = "sharegpt"
            names["messages"] = "conversations"
            if columns.system { names["system"] = "system" }
        case .ranking:
            return pairEntry(fileName: fileName)
        case .dpo, .dpoImplicit:
            return nil
        case .alpaca:
            entry["formatting"] = "alpaca"
            names = ["prompt": "instruction", "query": "input", "response": "output"]
            if columns.system { names["system"] = "system" }
            if columns.history { names["history"] = "history" }
        }
        entry["columns"] = .object(names)
        return .object(entry)
    }

    /// A `{"messages": […]}` record as a system prompt and alternating user/assistant turns
    /// (starting with user, ending with assistant).
    static func conversation(of record: JSONValue) throws -> Conversation {
        guard let messages = record["messages"]?.array, !messages.isEmpty else { throw ExportFailure("no messages array") }
        var conversation = Conversation(system: nil, turns: [])
        for (i, message) in messages.enumerated() {
            guard let role = message["role"]?.string, let content = message["content"]?.string else {
                throw ExportFailure("messages[\(i)] needs string role and content")
            }
            if role == "system" && i == 0 { conversation.system = content; continue }
            let expected = conversation.turns.count % 2 == 0 ? "user" : "assistant"
            guard role == expected else { throw ExportFailure("messages[\(i)] is \(role), expected \(expected)") }
            conversation.turns.append((role, content))
        }
        guard conversation.turns.count >= 2, conversation.turns.count % 2 == 0 else {
            throw ExportFailure("the conversation must end with an assistant turn")
        }
        return conversation
    }
}

/// What was wrong with a record, before the caller adds its file and line.
struct ExportFailure: Error {
    let detail: String
    init(_ detail: String) { self.detail = detail }
}
