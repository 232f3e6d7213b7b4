import Foundation
import Pipeline

/// Reads the model's inferred instruction: the JSON object asked for
/// (`{"instruction", "constraints": [{"kind", "text"}]}`, also with plain-string constraints or
/// other key spellings), JSON cut off before its end (the complete strings are kept), or text
/// (`Instruction: …` and a numbered or bulleted list) from models writing without a schema.
public enum ConstraintParser {
    public static func parse(_ answer: String) -> InferredInstruction? {
        if let parsed = parseJSON(answer) ?? parseTruncatedJSON(answer) ?? parseLines(answer) {
            var seen = Set<String>()
            let constraints = parsed.constraints.compactMap { c -> Constraint? in
                let text = clean(c.text)
                guard !text.isEmpty, seen.insert(text.lowercased()).inserted else { return nil }
                return Constraint(kind: c.kind, text: text)
            }
            let instruction = clean(parsed.instruction)
            return instruction.isEmpty ? nil : InferredInstruction(instruction: instruction, constraints: constraints)
        }
        return nil
    }

    /// A list of strings (the rejected constraints): `{"constraints": ["…", …]}`, a bare JSON
    /// list, truncated JSON, or numbered lines.
    public static func parseList(_ answer: String) -> [String] {
        if let start = answer.firstIndex(where: { $0 == "{" || $0 == "[" }),
           let end = answer.lastIndex(where: { $0 == "}" || $0 == "]" }), start < end,
           let value = try? JSONValue.parse(Array(answer[start...end].utf8)) {
            let list = value["constraints"]?.array ?? value.array ?? []
            let strings = list.compactMap { $0.string ?? $0["text"]?.string }.map(clean).filter { !$0.isEmpty }
            if !strings.isEmpty { return strings }
        }
        let quoted = quotedStrings(answer).filter { $0 != "constraints" }.map(clean).filter { !$0.isEmpty }
        if !quoted.isEmpty { return quoted }
        return listItems(answer).map(clean)
    }

    static func parseJSON(_ answer: String) -> InferredInstruction? {
        guard let start = answer.firstIndex(of: "{"), let end = answer.lastIndex(of: "}"), start < end,
              let value = try? JSONValue.parse(Array(answer[start...end].utf8)), let object = value.object else { return nil }
        let instruction = ["instruction", "main_instruction", "task", "main"].lazy.compactMap { object[$0]?.string }.first
        guard let instruction else { return nil }
        let list = object["constraints"]?.array ?? []
        let constraints = list.compactMap { item -> Constraint? in
            if let text = item.string { return Constraint(kind: guessKind(text), text: text) }
            guard let text = item["text"]?.string ?? item["constraint"]?.string else { return nil }
            let kind = (item["kind"]?.string ?? item["type"]?.string).flatMap(kind(named:)) ?? guessKind(text)
            return Constraint(kind: kind, text: text)
        }
        return InferredInstruction(instruction: instruction, constraints: constraints)
    }

    /// The complete `"instruction"` and `"text"` strings of an answer cut off by the token limit.
    static func parseTruncatedJSON(_ answer: String) -> InferredInstruction? {
        guard answer.contains("\"instruction\"") else { return nil }
        let strings = quotedStrings(answer)
        guard let i = strings.firstIndex(of: "instruction"), i + 1 < strings.count else { return nil }
        var constraints: [Constraint] = []
        var pendingKind: Constraint.Kind?
        var j = i + 2
        while j + 1 < strings.count {
            switch strings[j] {
            case "kind", "type": pendingKind = kind(named: strings[j + 1]); j += 2
            case "text": constraints.append(Constraint(kind: pendingKind ?? guessKind(strings[j + 1]), text: strings[j + 1])); pendingKind = nil; j += 2
            default: j += 1
            }
        }
        return InferredInstruction(instruction: strings[i + 1], constraints: constraints)
    }

    static func parseLines(_ answer: String) -> InferredInstruction? {
        let lines = answer.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var instruction: String?
        for line in lines {
            if let r = line.range(of: #"^\**\s*(main\s+)?instruction\s*\**\s*[:：]\s*"#, options: [.regularExpression, .caseInsensitive]) {
                instruction = String(line[r.upperBound...])
                break
            }
        }
        if instruction == nil {
            instruction = lines.first { line in
                listItem(line) == nil && !line.hasSuffix(":") && !line.hasSuffix("：") && !line.hasPrefix("{") && !line.hasPrefix("[")
            }
        }
        guard let instruction else { return nil }
        let constraints = listItems(answer).map { item -> Constraint in
            if let r = item.range(of: #"^[\[(]?(style|stylistic|content|semantic)[\])]?\s*[:：\-–]?\s*"#, options: [.regularExpression, .caseInsensitive]) {
                let label = item[r].lowercased().filter(\.isLetter)
                return Constraint(kind: kind(named: label) ?? .content, text: String(item[r.upperBound...]))
            }
            return Constraint(kind: guessKind(item), text: item)
        }
        return InferredInstruction(instruction: instruction, constraints: constraints)
    }

    static func kind(named name: String) -> Constraint.Kind? {
        switch name.lowercased().trimmingCharacters(in: .whitespaces) {
        case "style", "stylistic", "form", "风格": return .style
        case "content", "semantic", "semantics", "内容": return .content
        default: return nil
        }
    }

    private static let styleWords = ["tone", "voice", "person", "tense", "sentence", "vocabulary", "formal", "style", "dialogue",
                                     "imagery", "paragraph", "register", "point of view", "structure", "format", "heading",
                                     "语气", "人称", "风格", "句子", "段落", "结构"]

    /// A kind for a constraint given without one: style when it talks about form, else content.
    static func guessKind(_ text: String) -> Constraint.Kind {
        let lower = text.lowercased()
        return styleWords.contains { lower.contains($0) } ? .style : .content
    }

    private static func listItem(_ line: String) -> String? {
        guard let r = line.range(of: #"^(\d{1,2}[.)]|[-*•]|（?\d{1,2}）|\d{1,2}、)\s+"#, options: .regularExpression) else { return nil }
        return String(line[r.upperBound...])
    }

    private static func listItems(_ text: String) -> [String] {
        text.components(separatedBy: .newlines).compactMap { listItem($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Every complete JSON string literal in `text`, unescaped, in order.
    static func quotedStrings(_ text: String) -> [String] {
        var result: [String] = []
        var current: String?
        var escaped = false
        for ch in text {
            guard current != nil else { if ch == "\"" { current = "" }; continue }
            if escaped {
                switch ch {
                case "n": current! += "\n"
                case "t": current! += "\t"
                default: current!.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                result.append(current!)
                current = nil
            } else {
                current!.append(ch)
            }
        }
        return result
    }

    /// Whitespace collapsed, wrapping quotes and list marks removed.
    static func clean(_ text: String) -> String {
        var s = text.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }.joined(separator: " ")
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "\"'“”‘’*` "))
        return s
    }
}
