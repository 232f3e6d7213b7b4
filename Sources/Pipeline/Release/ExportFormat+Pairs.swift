/// The preference formats: each pair record of a `make-pairs` stage
/// (`{"chosen": {prompt, response}, "rejected": {prompt, response}, "pair": {…}}`) in the shape a
/// trainer reads, with the pair's source, margin and scores in `meta`, a column the trainers ignore.
///
/// - `dpo`: TRL's conversational preference type (`DPOTrainer`, `ORPOTrainer`):
///   `{"prompt": [user], "chosen": [assistant], "rejected": [assistant], "meta"}`. One prompt
///   serves both halves, so instruction pairs (two prompts) are left out.
/// - `dpo-implicit`: TRL's conversational preference type with implicit prompt:
///   `{"chosen": [user, assistant], "rejected": [user, assistant], "meta"}`; holds every source,
///   instruction pairs with their own user turn on each side (Suri's I-ORPO comparison).
/// - `ranking`: LLaMA-Factory's sharegpt preference dataset (`"ranking": true`):
///   `{"conversations": [human], "chosen": {gpt}, "rejected": {gpt}, "meta"}`; one prompt, so
///   instruction pairs are left out.
extension ExportFormat {
    /// Whether the format writes preference pairs.
    public var isPairFormat: Bool { [.dpo, .dpoImplicit, .ranking].contains(self) }

    /// Whether the format holds pairs whose halves have different prompts.
    var holdsTwoPrompts: Bool { self == .dpoImplicit }

    /// Whether a dataset record is a `make-pairs` pair record.
    public static func isPair(_ record: JSONValue) -> Bool {
        record["pair"]?.object != nil && record["chosen"]?.object != nil && record["rejected"]?.object != nil
    }

    /// Converts one pair record; nil when its halves' prompts differ and the format has one prompt.
    func convertPair(_ record: JSONValue) throws -> JSONValue? {
        func half(_ key: String) throws -> (prompt: String, response: String) {
            guard let prompt = record[key]?["prompt"]?.string, let response = record[key]?["response"]?.string,
                  !prompt.isEmpty, !response.isEmpty else {
                throw ExportFailure("\(key) needs non-empty string prompt and response")
            }
            return (prompt, response)
        }
        let chosen = try half("chosen"), rejected = try half("rejected")
        let meta = record["pair"] ?? .null
        func message(_ role: String, _ content: String) -> JSONValue { ["role": .string(role), "content": .string(content)] }
        if chosen.prompt != rejected.prompt && !holdsTwoPrompts { return nil }
        switch self {
        case .dpo:
            return ["prompt": [message("user", chosen.prompt)], "chosen": [message("assistant", chosen.response)],
                    "rejected": [message("assistant", rejected.response)], "meta": meta]
        case .dpoImplicit:
            return ["chosen": [message("user", chosen.prompt), message("assistant", chosen.response)],
                    "rejected": [message("user", rejected.prompt), message("assistant", rejected.response)], "meta": meta]
        case .ranking:
            return ["conversations": [["from": "human", "value": .string(chosen.prompt)]],
                    "chosen": ["from": "gpt", "value": .string(chosen.response)],
                    "rejected": ["from": "gpt", "value": .string(rejected.response)], "meta": meta]
        case .messages, .sharegpt, .alpaca:
            return nil
        }
    }

    /// The LLaMA-Factory entry of a pair format: a sharegpt preference dataset (`ranking`).
    func pairEntry(fileName: String) -> JSONValue {
        ["file_name": .string(fileName), "formatting": "sharegpt", "ranking": true,
         "columns": ["messages": "conversations", "chosen": "chosen", "rejected": "rejected"]]
    }
}
