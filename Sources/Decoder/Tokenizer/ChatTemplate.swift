import Messages

/// Turns a conversation into the prompt text a chat model was trained on.
///
/// Two template kinds are built in, reproducing what the models' Jinja templates render
/// (checked against Hugging Face transformers' `apply_chat_template`):
/// - `chatml` (SmolLM2, Qwen): `<|im_start|>role\ncontent<|im_end|>\n` per message, generation
///   prompt `<|im_start|>assistant\n`. A template that writes a fixed system message when the
///   conversation does not start with one (SmolLM2: "You are a helpful AI assistant named
///   SmolLM, trained by Hugging Face") has it as `defaultSystemPrompt`, inserted the same way.
/// - `llama3`: `<|begin_of_text|>` before the first message, then
///   `<|start_header_id|>role<|end_header_id|>\n\n` + content (trimmed) + `<|eot_id|>` per
///   message, generation prompt `<|start_header_id|>assistant<|end_header_id|>\n\n`.
///
/// The kind is recognised from a model's `tokenizer.chat_template` by its markers, or named by
/// an override. A template with neither marker is not guessed at: `init(gguf:override:)`
/// throws `ChatTemplateError.unrecognized` (or `.missing`), telling the user to name a kind,
/// because rendering a prompt in the wrong format silently degrades every generation.
public struct ChatTemplate: Sendable, Equatable {
    /// The built-in prompt formats.
    public enum Kind: String, Sendable, CaseIterable {
        case chatml
        case llama3
    }

    /// The prompt format.
    public let kind: Kind
    /// System message written first when a non-empty conversation does not start with one.
    public let defaultSystemPrompt: String?

    /// A template of `kind`; `defaultSystemPrompt` applies to any kind.
    public init(kind: Kind, defaultSystemPrompt: String? = nil) {
        self.kind = kind
        self.defaultSystemPrompt = defaultSystemPrompt
    }

    /// The template for a model's Jinja `tokenizer.chat_template` (`source`), or for the kind
    /// named by `override` (`chatml`, `llama3`) when given.
    /// - Throws: `ChatTemplateError.unknownOverride` for an unknown name; without an override,
    ///   `.missing` when there is no source and `.unrecognized` when it has no known markers.
    public init(source: String?, override: String?) throws {
        let recognised = source.flatMap(Self.recognise)
        if let override {
            guard let kind = Kind(rawValue: override.lowercased()) else {
                throw ChatTemplateError.unknownOverride(name: override)
            }
            self.init(kind: kind, defaultSystemPrompt: recognised?.kind == kind ? recognised?.defaultSystemPrompt : nil)
            return
        }
        guard let source else { throw ChatTemplateError.missing }
        guard let recognised else { throw ChatTemplateError.unrecognized(excerpt: String(source.prefix(120))) }
        self = recognised
    }

    /// The template from the model file's `tokenizer.chat_template`, or the `override` kind.
    /// - Throws: `ChatTemplateError.inModelFile` wrapping the reasons of `init(source:override:)`.
    public init(gguf: GGUFFile, override: String?) throws {
        do {
            try self.init(source: gguf.metadata["tokenizer.chat_template"]?.string, override: override)
        } catch let error as ChatTemplateError {
            throw ChatTemplateError.inModelFile(path: gguf.path, error)
        }
    }

    /// The prompt for `messages`, ending with the assistant's header when `addGenerationPrompt`.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var prompt = ""
        switch kind {
        case .chatml:
            if let defaultSystemPrompt, let first = messages.first, first.role != "system" {
                prompt += "<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n"
            }
            for message in messages {
                prompt += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n"
            }
            if addGenerationPrompt { prompt += "<|im_start|>assistant\n" }
        case .llama3:
            var conversation = messages
            if let defaultSystemPrompt, let first = messages.first, first.role != "system" {
                conversation.insert(ChatMessage(role: "system", content: defaultSystemPrompt), at: 0)
            }
            for (index, message) in conversation.enumerated() {
                if index == 0 { prompt += "<|begin_of_text|>" }
                prompt += "<|start_header_id|>\(message.role)<|end_header_id|>\n\n"
                prompt += Self.trimmed(message.content) + "<|eot_id|>"
            }
            if addGenerationPrompt { prompt += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        }
        return prompt
    }

    /// Strings that end the assistant's turn: the end-of-turn marker, and the start of a new
    /// turn (for a model that forgets to close its own).
    public var stopStrings: [String] {
        switch kind {
        case .chatml: return ["<|im_end|>", "<|im_start|>"]
        case .llama3: return ["<|eot_id|>", "<|start_header_id|>"]
        }
    }

    // MARK: - Recognising a Jinja template

    private static func recognise(_ source: String) -> ChatTemplate? {
        if source.contains("<|im_start|>") {
            return ChatTemplate(kind: .chatml, defaultSystemPrompt: chatMLDefaultSystemPrompt(in: source))
        }
        if source.contains("<|start_header_id|>") {
            return ChatTemplate(kind: .llama3)
        }
        return nil
    }

    /// The literal system message a ChatML template writes itself: the text between
    /// `<|im_start|>system` + newline and `<|im_end|>` that is plain text, not template code
    /// (no quotes, braces, `+` or backslashes).
    static func chatMLDefaultSystemPrompt(in source: String) -> String? {
        let opening = "<|im_start|>system"
        var rest = Substring(source)
        while let start = rest.range(of: opening) {
            rest = rest[start.upperBound...]
            var body = rest
            if body.hasPrefix("\n") {
                body = body.dropFirst()
            } else if body.hasPrefix("\\n") {
                body = body.dropFirst(2)
            } else {
                continue
            }
            guard let end = body.range(of: "<|im_end|>") else { continue }
            let text = body[..<end.lowerBound]
            if !text.isEmpty, !text.contains(where: { "'\"{}+\\".contains($0) }) {
                return String(text)
            }
        }
        return nil
    }

    /// `text` without leading and trailing whitespace as Python's `str.strip()` (Jinja's `trim`)
    /// sees it: Unicode `White_Space` and the separators U+001C...U+001F.
    static func trimmed(_ text: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || (0x1C ... 0x1F).contains(scalar.value)
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first ... last])
    }
}

/// Why no chat template could be chosen.
public indirect enum ChatTemplateError: Error, Equatable, CustomStringConvertible {
    /// The model has no `tokenizer.chat_template` and no kind was named.
    case missing
    /// The model's template has none of the markers of a built-in kind (`excerpt`: its start).
    case unrecognized(excerpt: String)
    /// The override names no built-in kind.
    case unknownOverride(name: String)
    /// An error about the model file at `path`.
    case inModelFile(path: String, ChatTemplateError)

    public var description: String {
        let kinds = ChatTemplate.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        switch self {
        case .missing:
            return "the model has no tokenizer.chat_template; name a template kind (\(kinds))"
        case .unrecognized(let excerpt):
            return "tokenizer.chat_template is not a known format (starts \(excerpt.debugDescription)); name a template kind (\(kinds))"
        case .unknownOverride(let name):
            return "unknown chat template '\(name)' (known: \(kinds))"
        case .inModelFile(let path, let error):
            return "\(path): \(error)"
        }
    }
}
