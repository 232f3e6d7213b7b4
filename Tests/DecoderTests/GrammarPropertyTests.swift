import Foundation
import Testing
@testable import Decoder

/// Random outputs: each grammar is walked many times, choosing uniformly among the allowed tokens
/// at every step (what the argmax of independent random logits gives after the mask), until the
/// stop token. Every finished output must parse and satisfy the format's bounds, and the grammar
/// must accept the output again as the tokenizer would split it.
@Suite("Grammar: random outputs")
struct GrammarPropertyTests {
    /// One random output of `grammar`, or `nil` when it did not finish within `maxTokens`.
    private static func sample(_ grammar: TokenGrammar, random: inout SeededTestRandom, maxTokens: Int = 1500) throws -> String? {
        let (tokenizer, _) = try GrammarTestSupport.smolLM()
        let eos = try #require(tokenizer.eosID)
        var state = grammar.initialState
        var ids: [Int32] = []
        for _ in 0 ..< maxTokens {
            let mask = try grammar.allowedTokens(state)
            let allowed = mask.ids
            let id = try #require(allowed.randomElement(using: &random), "dead end after \(tokenizer.decode(ids))")
            if id == eos {
                #expect(grammar.isAccepting(state))
                return tokenizer.decode(ids)
            }
            state = try #require(try grammar.advance(state, token: id))
            ids.append(id)
        }
        return nil
    }

    /// Whether `grammar` accepts `text` tokenized the usual way, followed by the stop token.
    private static func acceptsCanonicalTokens(_ grammar: TokenGrammar, _ text: String) throws -> Bool {
        let (tokenizer, _) = try GrammarTestSupport.smolLM()
        var state: GrammarState? = grammar.initialState
        for id in tokenizer.encode(text) + [try #require(tokenizer.eosID)] {
            guard let current = state else { return false }
            state = try grammar.advance(current, token: id)
        }
        return state != nil
    }

    private static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not an object: \(text)")
    }

    private static func isBool(_ value: Any?) -> Bool {
        guard let value else { return false }
        return type(of: value) == type(of: NSNumber(value: true))
    }

    private static func isInteger(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber, !isBool(value) else { return false }
        return number.doubleValue == number.doubleValue.rounded()
    }

    @Test("random plans parse and respect paragraph count, main point length and word counts")
    func plans() throws {
        let (_, vocabulary) = try GrammarTestSupport.smolLM()
        let grammar = try TokenGrammar(format: .agentWritePlan(minParagraphs: 2, maxParagraphs: 5, minWordCount: 200,
                                                               maxWordCount: 1000, maxMainPointLength: 40),
                                       vocabulary: vocabulary)
        var random = SeededTestRandom(seed: 0x5EED_0010)
        var paragraphCounts = Set<Int>()
        for _ in 0 ..< 60 {
            let text = try #require(try Self.sample(grammar, random: &random))
            let plan = try Self.object(text)
            #expect(Set(plan.keys) == ["paragraphs"], "\(text)")
            let paragraphs = try #require(plan["paragraphs"] as? [[String: Any]], "\(text)")
            #expect((2 ... 5).contains(paragraphs.count), "\(text)")
            paragraphCounts.insert(paragraphs.count)
            for paragraph in paragraphs {
                #expect(Set(paragraph.keys) == ["main_point", "word_count"], "\(text)")
                let point = try #require(paragraph["main_point"] as? String, "\(text)")
                #expect((1 ... 40).contains(point.unicodeScalars.count), "\(text)")
                #expect(Self.isInteger(paragraph["word_count"]), "\(text)")
                #expect((200 ... 1000).contains((paragraph["word_count"] as? Int) ?? 0), "\(text)")
            }
            #expect(try Self.acceptsCanonicalTokens(grammar, text), "\(text)")
        }
        #expect(paragraphCounts.count >= 3, "the walks should explore several paragraph counts: \(paragraphCounts)")
    }

    @Test("random plans under the default plan format parse and respect its bounds")
    func defaultPlans() throws {
        let grammar = try GrammarTestSupport.planGrammar()
        var random = SeededTestRandom(seed: 0x5EED_0011)
        for _ in 0 ..< 3 {
            let text = try #require(try Self.sample(grammar, random: &random, maxTokens: 20_000))
            let paragraphs = try #require(try Self.object(text)["paragraphs"] as? [[String: Any]], "\(text)")
            #expect((2 ... 50).contains(paragraphs.count))
            for paragraph in paragraphs {
                #expect((1 ... 300).contains((paragraph["main_point"] as? String)?.unicodeScalars.count ?? 0), "\(text)")
                #expect((200 ... 1000).contains((paragraph["word_count"] as? Int) ?? 0), "\(text)")
            }
        }
    }

    static let kitchenSink = #"""
    {"type":"object","properties":{
      "name":{"type":"string","maxLength":12},
      "age":{"type":"integer","minimum":-40,"maximum":120},
      "score":{"type":"number"},
      "tags":{"type":"array","items":{"enum":["a","b c",1,null,true]},"maxItems":3},
      "flag":{"type":"boolean"},
      "code":{"type":"string","pattern":"[A-Z]{2}-\\d{3}"},
      "nothing":{"type":"null"},
      "choice":{"anyOf":[{"type":"integer","minimum":0,"maximum":5},{"const":"x"}]},
      "nested":{"type":"object","properties":{"level":{"type":"string","enum":["low","high"]},
                                             "ratio":{"type":["number","null"]}},"required":["level","ratio"]},
      "unused":{"type":"string"}
    },"required":["name","age","score","tags","flag","code","nothing","choice","nested"]}
    """#

    @Test("random outputs of a schema using every construct parse and satisfy it")
    func everyConstruct() throws {
        let (_, vocabulary) = try GrammarTestSupport.smolLM()
        let grammar = try TokenGrammar(format: .jsonSchema(Self.kitchenSink), vocabulary: vocabulary)
        let code = try NSRegularExpression(pattern: "^[A-Z]{2}-[0-9]{3}$")
        var random = SeededTestRandom(seed: 0x5EED_0012)
        for _ in 0 ..< 60 {
            let text = try #require(try Self.sample(grammar, random: &random))
            let value = try Self.object(text)
            #expect(Set(value.keys) == ["name", "age", "score", "tags", "flag", "code", "nothing", "choice", "nested"], "\(text)")
            #expect(((value["name"] as? String)?.unicodeScalars.count ?? 99) <= 12, "\(text)")
            #expect(Self.isInteger(value["age"]) && (-40 ... 120).contains((value["age"] as? Int) ?? 999), "\(text)")
            #expect(value["score"] is NSNumber && !Self.isBool(value["score"]), "\(text)")
            let tags = try #require(value["tags"] as? [Any], "\(text)")
            #expect(tags.count <= 3, "\(text)")
            for tag in tags {
                let allowed = (tag as? String).map { ["a", "b c"].contains($0) }
                    ?? (tag is NSNull || Self.isBool(tag) && (tag as? Bool) == true || Self.isInteger(tag) && (tag as? Int) == 1)
                #expect(allowed, "\(text)")
            }
            #expect(Self.isBool(value["flag"]), "\(text)")
            let codeText = try #require(value["code"] as? String, "\(text)")
            #expect(code.firstMatch(in: codeText, range: NSRange(codeText.startIndex..., in: codeText)) != nil, "\(text)")
            #expect(value["nothing"] is NSNull, "\(text)")
            let choice = value["choice"]
            #expect((choice as? String) == "x" || Self.isInteger(choice) && (0 ... 5).contains((choice as? Int) ?? -1), "\(text)")
            let nested = try #require(value["nested"] as? [String: Any], "\(text)")
            #expect(["low", "high"].contains(nested["level"] as? String ?? ""), "\(text)")
            #expect(nested["ratio"] is NSNull || (nested["ratio"] is NSNumber && !Self.isBool(nested["ratio"])), "\(text)")
            #expect(try Self.acceptsCanonicalTokens(grammar, text), "\(text)")
        }
    }

    @Test("random labels are one of their values")
    func labels() throws {
        let (_, vocabulary) = try GrammarTestSupport.smolLM()
        let yesNo = try TokenGrammar(format: .booleanLabel(), vocabulary: vocabulary)
        let category = try TokenGrammar(format: .categoryLabel(), vocabulary: vocabulary)
        var random = SeededTestRandom(seed: 0x5EED_0013)
        var seen = Set<String>()
        for _ in 0 ..< 40 {
            let decision = try Self.object(try #require(try Self.sample(yesNo, random: &random)))
            #expect(Self.isBool(decision["needs_long_answer"]) && decision.count == 1)
            let label = try Self.object(try #require(try Self.sample(category, random: &random)))
            let value = try #require(label["category"] as? String)
            #expect(ResponseFormat.defaultLengthCategories.contains(value) && label.count == 1)
            seen.insert(value)
        }
        #expect(seen.count >= 3, "walks should reach several categories: \(seen)")
    }

    @Test("random outputs of regex formats match them according to NSRegularExpression")
    func regexOutputs() throws {
        let (_, vocabulary) = try GrammarTestSupport.smolLM()
        var random = SeededTestRandom(seed: 0x5EED_0014)
        for pattern in ["[A-Z][a-z]{2,5}( [0-9]{1,3}){1,3}", "(yes|no|maybe)", "\\d{4}-\\d{2}-\\d{2}",
                        "[^,\\n]{1,10}(,[^,\\n]{1,10}){0,2}", "(é|中文|😀){1,4}x?"] {
            let grammar = try TokenGrammar(format: .regex(pattern), vocabulary: vocabulary)
            let reference = try NSRegularExpression(pattern: "^(?:\(pattern))$")
            for _ in 0 ..< 30 {
                let text = try #require(try Self.sample(grammar, random: &random))
                #expect(reference.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil,
                        "/\(pattern)/ produced \(text.debugDescription)")
            }
        }
    }
}
