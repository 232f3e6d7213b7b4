import Pipeline

/// Pulls the user query out of one input line: WildChat-style `conversation` JSONL (first user
/// turn), `{"prompt": …}` (or `{"text": …}`) JSONL, or a plain text line.
enum QueryExtractor {
    enum Format: String { case wildchat, prompt, text }

    struct Failure: Error {
        let reason: String
        let detail: String
    }

    static func extract(_ line: String, jsonl: Bool) throws -> (String, Format) {
        guard jsonl else { return (line, .text) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(line.utf8))
        } catch {
            throw Failure(reason: "invalid_json", detail: "not valid JSON")
        }
        guard case .object(let object) = value else {
            throw Failure(reason: "not_an_object", detail: "a JSON \(value.typeName), expected an object")
        }
        if let conversation = object["conversation"] {
            guard case .array(let turns) = conversation else {
                throw Failure(reason: "wrong_type", detail: "field conversation is a \(conversation.typeName), expected a list of turns")
            }
            for (i, turn) in turns.enumerated() {
                guard let role = turn["role"]?.string else {
                    throw Failure(reason: "wrong_type", detail: "conversation[\(i)] has no string role")
                }
                guard role == "user" else { continue }
                guard let content = turn["content"]?.string else {
                    throw Failure(reason: "wrong_type", detail: "conversation[\(i)].content is \(turn["content"]?.typeName ?? "missing"), expected a string")
                }
                return (content, .wildchat)
            }
            throw Failure(reason: "no_user_turn", detail: "the conversation has no user turn")
        }
        for field in ["prompt", "text"] {
            guard let prompt = object[field] else { continue }
            guard case .string(let text) = prompt else {
                throw Failure(reason: "wrong_type", detail: "field \(field) is a \(prompt.typeName), expected a string")
            }
            return (text, .prompt)
        }
        throw Failure(reason: "missing_query", detail: "the object has none of the fields conversation, prompt, text")
    }
}
