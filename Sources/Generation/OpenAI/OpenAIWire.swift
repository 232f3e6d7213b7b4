import Messages
import Foundation

/// The subset of the OpenAI chat-completions wire format lwdata speaks (client and server).
public enum OpenAIWire {
    public struct Message: Codable, Sendable, Equatable {
        public var role: String
        public var content: String

        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    public struct ResponseFormatBody: Codable, Sendable, Equatable {
        public var type: String
        public var json_schema: JSONSchemaBody?

        public init(type: String, json_schema: JSONSchemaBody? = nil) {
            self.type = type
            self.json_schema = json_schema
        }
    }

    public struct JSONSchemaBody: Codable, Sendable, Equatable {
        public var name: String
        public var schema: RawJSON
        public var strict: Bool?

        public init(name: String, schema: RawJSON, strict: Bool? = nil) {
            self.name = name
            self.schema = schema
            self.strict = strict
        }
    }

    public struct ChatRequest: Codable, Sendable {
        public var model: String?
        public var messages: [Message]
        public var temperature: Double?
        public var top_p: Double?
        public var max_tokens: Int?
        public var max_completion_tokens: Int?
        public var stop: StopField?
        public var seed: UInt64?
        public var stream: Bool?
        public var response_format: ResponseFormatBody?
        public var frequency_penalty: Double?
        public var presence_penalty: Double?
        /// vLLM/SGLang extensions (ignored by servers that do not know them).
        public var top_k: Int?
        public var min_p: Double?
        public var repetition_penalty: Double?
        public var min_tokens: Int?
        /// vLLM's extension for regex-constrained output.
        public var guided_regex: String?
        /// Number of choices; `lwdata serve` answers only 1.
        public var n: Int?

        public init(model: String? = nil, messages: [Message], temperature: Double? = nil, top_p: Double? = nil, max_tokens: Int? = nil, max_completion_tokens: Int? = nil, stop: StopField? = nil, seed: UInt64? = nil, stream: Bool? = nil, response_format: ResponseFormatBody? = nil, frequency_penalty: Double? = nil, presence_penalty: Double? = nil, top_k: Int? = nil, min_p: Double? = nil, repetition_penalty: Double? = nil, min_tokens: Int? = nil, guided_regex: String? = nil, n: Int? = nil) {
            self.model = model
            self.messages = messages
            self.temperature = temperature
            self.top_p = top_p
            self.max_tokens = max_tokens
            self.max_completion_tokens = max_completion_tokens
            self.stop = stop
            self.seed = seed
            self.stream = stream
            self.response_format = response_format
            self.frequency_penalty = frequency_penalty
            self.presence_penalty = presence_penalty
            self.top_k = top_k
            self.min_p = min_p
            self.repetition_penalty = repetition_penalty
            self.min_tokens = min_tokens
            self.guided_regex = guided_regex
            self.n = n
        }
    }

    /// `stop` may be one string or a list.
    public enum StopField: Codable, Sendable, Equatable {
        case one(String)
        case many([String])

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .one(s) } else { self = .many(try c.decode([String].self)) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .one(let s): try c.encode(s)
            case .many(let a): try c.encode(a)
            }
        }

        public var values: [String] {
            switch self {
            case .one(let s): return [s]
            case .many(let a): return a
            }
        }
    }

    public struct Usage: Codable, Sendable, Equatable {
        public var prompt_tokens: Int
        public var completion_tokens: Int
        public var total_tokens: Int

        public init(prompt_tokens: Int, completion_tokens: Int, total_tokens: Int) {
            self.prompt_tokens = prompt_tokens
            self.completion_tokens = completion_tokens
            self.total_tokens = total_tokens
        }
    }

    public struct Choice: Codable, Sendable {
        public var index: Int
        public var message: Message
        public var finish_reason: String?

        public init(index: Int, message: Message, finish_reason: String? = nil) {
            self.index = index
            self.message = message
            self.finish_reason = finish_reason
        }
    }

    public struct ChatResponse: Codable, Sendable {
        public var id: String
        public var object: String
        public var created: Int
        public var model: String
        public var choices: [Choice]
        public var usage: Usage?

        public init(id: String, object: String, created: Int, model: String, choices: [Choice], usage: Usage? = nil) {
            self.id = id
            self.object = object
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }
    }

    public struct Delta: Codable, Sendable {
        public var role: String?
        public var content: String?

        public init(role: String? = nil, content: String? = nil) {
            self.role = role
            self.content = content
        }
    }

    public struct StreamChoice: Codable, Sendable {
        public var index: Int
        public var delta: Delta
        public var finish_reason: String?

        public init(index: Int, delta: Delta, finish_reason: String? = nil) {
            self.index = index
            self.delta = delta
            self.finish_reason = finish_reason
        }
    }

    public struct StreamChunk: Codable, Sendable {
        public var id: String
        public var object: String
        public var created: Int
        public var model: String
        public var choices: [StreamChoice]
        public var usage: Usage?

        public init(id: String, object: String, created: Int, model: String, choices: [StreamChoice], usage: Usage? = nil) {
            self.id = id
            self.object = object
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }
    }
}

/// Any JSON value kept as parsed Foundation objects, so a JSON Schema passes through untouched.
public struct RawJSON: Codable, Sendable, Equatable, Hashable {
    /// Compact JSON text with sorted keys.
    public let text: String

    public init(text: String) { self.text = text }

    public init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer().decode(AnyJSON.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public func encode(to encoder: Encoder) throws {
        let value = try JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8))
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// Any JSON value as native Swift values (Bool, Int, Double, String, arrays, dictionaries).
struct AnyJSON: Codable {
    let object: Any

    init(object: Any) { self.object = object }

    init(from decoder: Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [Any] = []
            while !array.isAtEnd { items.append(try array.decode(AnyJSON.self).object) }
            object = items
        } else if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var dict: [String: Any] = [:]
            for key in keyed.allKeys { dict[key.stringValue] = try keyed.decode(AnyJSON.self, forKey: key).object }
            object = dict
        } else {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { object = NSNull() }
            else if let b = try? c.decode(Bool.self) { object = b }
            else if let i = try? c.decode(Int.self) { object = i }
            else if let d = try? c.decode(Double.self) { object = d }
            else { object = try c.decode(String.self) }
        }
    }

    func encode(to encoder: Encoder) throws {
        switch object {
        case let array as [Any]:
            var c = encoder.unkeyedContainer()
            for item in array { try c.encode(AnyJSON(object: item)) }
        case let dict as [String: Any]:
            var c = encoder.container(keyedBy: AnyKey.self)
            for (k, v) in dict { try c.encode(AnyJSON(object: v), forKey: AnyKey(stringValue: k)) }
        case let b as Bool:
            var c = encoder.singleValueContainer(); try c.encode(b)
        case let i as Int:
            var c = encoder.singleValueContainer(); try c.encode(i)
        case let d as Double:
            var c = encoder.singleValueContainer(); try c.encode(d)
        case let s as String:
            var c = encoder.singleValueContainer(); try c.encode(s)
        default:
            var c = encoder.singleValueContainer(); try c.encodeNil()
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
