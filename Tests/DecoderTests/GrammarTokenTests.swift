import Foundation
import Testing
@testable import Decoder

@Suite("Grammar: token masks over the default model's vocabulary")
struct GrammarTokenTests {
    static let plans = [
        #"{"paragraphs":[{"main_point":"Introduce Hong Kong: harbour, skyline, food.","word_count":400},{"main_point":"Getting around by MTR, tram and Star Ferry.","word_count":1000}]}"#,
        #"{"paragraphs": [{"main_point": "Dim sum in Sheung Wan — 點心 and café culture 😀", "word_count": 200}, {"main_point": "Hiking the \"Dragon's Back\"\nand Lantau", "word_count": 650}, {"main_point": "x", "word_count": 999}]}"#,
    ]

    /// Walks `ids` through `grammar` checking that the mask and `advance` agree on every token
    /// and that the stop token is allowed exactly in accepting states; returns the state reached
    /// and how many tokens were accepted.
    private func walk(_ ids: [Int32], grammar: TokenGrammar, eos: Int32) throws -> (state: GrammarState, accepted: Int) {
        var state = grammar.initialState
        for (index, id) in ids.enumerated() {
            let mask = try grammar.allowedTokens(state)
            #expect(mask.contains(eos) == grammar.isAccepting(state), "stop token at token \(index)")
            let next = try grammar.advance(state, token: id)
            #expect(mask.contains(id) == (next != nil), "mask and advance disagree on token \(index)")
            guard let next else { return (state, index) }
            state = next
        }
        return (state, ids.count)
    }

    @Test("valid plans are allowed token by token and end with the stop token only")
    func validPlans() throws {
        let (tokenizer, vocabulary) = try GrammarTestSupport.smolLM()
        let eos = try #require(tokenizer.eosID)
        let grammar = try GrammarTestSupport.planGrammar()
        for plan in Self.plans {
            let ids = tokenizer.encode(plan)
            let (state, accepted) = try walk(ids, grammar: grammar, eos: eos)
            #expect(accepted == ids.count, "plan rejected at token \(accepted): \(plan)")
            #expect(grammar.isAccepting(state))
            #expect(try grammar.allowedTokens(state).ids == [eos], "after the closing brace only the stop token")
            #expect(try grammar.advance(state, token: eos) == state)
        }
    }

    static let invalidPlans = [
        #"{"paragraphs":[{"main_point":"Only one paragraph","word_count":400}]}"#, // minItems 2
        #"{"paragraphs":[{"main_point":"a","word_count":400},{"main_point":"b","word_count":1001}]}"#,
        #"{"paragraphs":[{"main_point":"a","word_count":199},{"main_point":"b","word_count":200}]}"#,
        #"{"paragraphs":[{"word_count":400,"main_point":"a"},{"main_point":"b","word_count":200}]}"#,
        #"{"paragraphs":[{"main_point":"","word_count":400},{"main_point":"b","word_count":200}]}"#,
        #"{"paragraphs":[{"main_point":"a","word_count":"400"},{"main_point":"b","word_count":200}]}"#,
        "{\"paragraphs\":[{\"main_point\":\"a\nb\",\"word_count\":400}]}",
        #"{"paragraphs": [{"main_point": "a", "word_count": 400},  {"main_point": "b", "word_count": 300}]}"#,
        #"Sure! Here is the plan: {"paragraphs":[]}"#,
        #"{"paragraphs":[{"main_point":"a","word_count":400},{"main_point":"b","word_count":200}]}<|im_start|>"#,
        #"{"paragraphs":[{"main_point":"a","word_count":400},{"main_point":"b","word_count":200}"#, // unfinished
    ]

    @Test("invalid plans are rejected at the token holding the first wrong byte", arguments: invalidPlans.indices)
    func rejectsInvalidPlan(index: Int) throws {
        let tokenizer = try GrammarTestSupport.smolLM().tokenizer
        let eos = try #require(tokenizer.eosID)
        let grammar = try GrammarTestSupport.planGrammar()
        let text = Self.invalidPlans[index]
        let ids = tokenizer.encode(text)
        var matcher = try GrammarTestSupport.planMatcher()
        let liveBytes = try matcher.livePrefixLength(text)
        // The first token whose bytes reach past the live prefix must be the one rejected.
        var end = 0
        var expectedRejection = ids.count
        for (position, id) in ids.enumerated() {
            end += tokenizer.bytes(of: id)?.count ?? 0
            if end > liveBytes {
                expectedRejection = position
                break
            }
        }
        let (state, accepted) = try walk(ids, grammar: grammar, eos: eos)
        #expect(accepted == expectedRejection, "\(text): rejected at token \(accepted), expected \(expectedRejection)")
        if expectedRejection == ids.count {
            #expect(!grammar.isAccepting(state), "an unfinished plan is not complete")
            #expect(try grammar.advance(state, token: eos) == nil)
        }
    }

    @Test("mask equals the tokens advance accepts, over the whole vocabulary, at several states")
    func maskMatchesAdvance() throws {
        let (tokenizer, vocabulary) = try GrammarTestSupport.smolLM()
        let grammar = try TokenGrammar(format: .agentWritePlan(maxMainPointLength: 12), vocabulary: vocabulary)
        let prefixes = ["", #"{"paragraphs":["#, #"{"paragraphs": [{"main_point": "Hong Kong t"#,
                        #"{"paragraphs":[{"main_point":"\u00"#, #"{"paragraphs":[{"main_point":"a","word_count":9"#,
                        #"{"paragraphs":[{"main_point":"a","word_count":400}"#]
        for prefix in prefixes {
            let state = try #require(try grammar.advance(grammar.initialState, bytes: Array(prefix.utf8)), "\(prefix)")
            let mask = try grammar.allowedTokens(state)
            var disagreements: [Int32] = []
            for id in 0 ..< Int32(tokenizer.vocabularySize) where mask.contains(id) != (try grammar.advance(state, token: id) != nil) {
                disagreements.append(id)
            }
            #expect(disagreements.isEmpty, "\(prefix): \(disagreements.prefix(5).map { tokenizer.tokenText($0) ?? "?" })")
            #expect(!mask.isEmpty)
        }
    }

    @Test("control tokens are never allowed; the stop token only where the output is complete")
    func controlTokens() throws {
        let (tokenizer, vocabulary) = try GrammarTestSupport.smolLM()
        let imStart = try #require(tokenizer.id(of: "<|im_start|>"))
        let endOfText = try #require(tokenizer.id(of: "<|endoftext|>"))
        let eos = try #require(tokenizer.eosID)
        let grammar = try TokenGrammar(format: .regex("[a-z<|>_]*"), vocabulary: vocabulary)
        let mask = try grammar.allowedTokens(grammar.initialState)
        #expect(!mask.contains(imStart) && !mask.contains(endOfText))
        #expect(mask.contains(eos), "the empty output is complete")
        #expect(mask.contains(try #require(tokenizer.id(of: "hello"))))
        #expect(try grammar.advance(grammar.initialState, token: imStart) == nil)
        #expect(vocabulary.textTokenCount == tokenizer.vocabularySize - 17, "SmolLM2 has 17 control tokens")

        let custom = try TokenGrammar(format: .regex("ab"), vocabulary: vocabulary, stopTokens: [endOfText])
        let complete = try #require(try custom.advance(custom.initialState, bytes: Array("ab".utf8)))
        #expect(try custom.allowedTokens(complete).ids == [endOfText])
        #expect(try custom.advance(complete, token: eos) == nil)

        // A text token named as stop token is only an end marker.
        let a = try #require(tokenizer.id(of: "a"))
        let stopOnA = try TokenGrammar(format: .regex("a*"), vocabulary: vocabulary, stopTokens: [a])
        let afterA = try #require(try stopOnA.advance(stopOnA.initialState, bytes: Array("aa".utf8)))
        #expect(try stopOnA.advance(afterA, token: a) == afterA)
        let notAccepting = try TokenGrammar(format: .regex("a+"), vocabulary: vocabulary, stopTokens: [a])
        #expect(try !notAccepting.allowedTokens(notAccepting.initialState).contains(a))
        #expect(try notAccepting.allowedTokens(notAccepting.initialState).contains(try #require(tokenizer.id(of: "aa"))))
    }

    @Test("apply sets exactly the disallowed logits to -infinity, padding rows included")
    func applyMask() throws {
        let (tokenizer, vocabulary) = try GrammarTestSupport.smolLM()
        let grammar = try TokenGrammar(format: .booleanLabel(), vocabulary: vocabulary)
        let state = try #require(try grammar.advance(grammar.initialState, bytes: Array(#"{"needs_long_answer":"#.utf8)))
        let mask = try grammar.allowedTokens(state)
        var random = SeededTestRandom(seed: 0x5EED_0004)
        let original = (0 ..< tokenizer.vocabularySize + 64).map { _ in Float.random(in: -5 ... 5, using: &random) }
        var logits = original
        try logits.withUnsafeMutableBufferPointer { try grammar.apply(state, to: $0) }
        for index in logits.indices {
            let allowed = mask.contains(Int32(index))
            #expect(logits[index] == (allowed ? original[index] : -.infinity), "logit \(index)")
        }
        let allowedTexts = Set(mask.ids.compactMap { tokenizer.bytes(of: $0) }.map { String(decoding: $0, as: UTF8.self) })
        #expect(allowedTexts.contains(" true") && allowedTexts.contains("false") && allowedTexts.contains(" "))
        #expect(!allowedTexts.contains(" yes") && !allowedTexts.contains("  "))
    }

    @Test("label formats accept their values and nothing else")
    func labels() throws {
        for value in ["true", "false"] {
            #expect(try GrammarTestSupport.accepts(.booleanLabel(), #"{"needs_long_answer": \#(value)}"#))
        }
        #expect(try !GrammarTestSupport.accepts(.booleanLabel(), #"{"needs_long_answer": "yes"}"#))
        #expect(try GrammarTestSupport.accepts(.booleanLabel(property: "long"), #"{"long":true}"#))
        for category in ResponseFormat.defaultLengthCategories {
            #expect(try GrammarTestSupport.accepts(.categoryLabel(), #"{"category": "\#(category)"}"#))
        }
        for wrong in ["less than 1000", "3000", "2000 ", "16000 words"] {
            #expect(try !GrammarTestSupport.accepts(.categoryLabel(), #"{"category": "\#(wrong)"}"#))
        }
        let custom = ResponseFormat.categoryLabel(["short \"s\"", "long"], property: "len/gth")
        #expect(try GrammarTestSupport.accepts(custom, #"{"len/gth":"short \"s\""}"#))
    }

    @Test("a regex format over tokens: partial UTF-8 tokens are allowed when the character can still complete")
    func regexOverTokens() throws {
        let (tokenizer, vocabulary) = try GrammarTestSupport.smolLM()
        let eos = try #require(tokenizer.eosID)
        let grammar = try TokenGrammar(format: .regex("(\\d{3}-[a-z]+|中文)"), vocabulary: vocabulary)
        for (text, valid) in [("123-abc", true), ("中文", true), ("12-abc", false), ("123-ABC", false), ("中", false)] {
            let ids = tokenizer.encode(text)
            let (state, accepted) = try walk(ids, grammar: grammar, eos: eos)
            #expect((accepted == ids.count && grammar.isAccepting(state)) == valid, "\(text)")
        }
        let middle = try #require(try grammar.advance(grammar.initialState, bytes: [0xE4]))
        #expect(try !grammar.allowedTokens(middle).isEmpty, "the rest of 中 must be reachable")
    }

    @Test("masks are the same when computed from several threads at once")
    func concurrentMasks() throws {
        let (tokenizer, vocabulary) = try GrammarTestSupport.smolLM()
        let ids = tokenizer.encode(Self.plans[1])
        let serial = try GrammarTestSupport.planGrammar()
        var states = [serial.initialState]
        for id in ids { states.append(try #require(try serial.advance(states.last!, token: id))) }
        let expected = try states.map { try serial.allowedTokens($0) }

        let shared = try TokenGrammar(format: .agentWritePlan(), vocabulary: vocabulary)
        // Each worker writes only its own slots.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<TokenMask?>.allocate(capacity: ids.count * 4)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            var state = shared.initialState
            for (index, id) in ids.enumerated() {
                results[worker * ids.count + index] = try? shared.allowedTokens(state)
                guard let next = try? shared.advance(state, token: id) else { return }
                state = next
            }
        }
        for worker in 0 ..< 4 {
            for index in ids.indices {
                #expect(results[worker * ids.count + index] == expected[index], "worker \(worker), token \(index)")
            }
        }
    }

    @Test("the DFA state limit surfaces as an error while decoding")
    func dfaLimit() throws {
        let (tokenizer, vocabulary) = try GrammarTestSupport.smolLM()
        let grammar = try TokenGrammar(format: .agentWritePlan(), vocabulary: vocabulary,
                                       limits: GrammarLimits(maxDFAStates: 200))
        var state = grammar.initialState
        let error = try #require(throws: GrammarError.self) {
            for id in tokenizer.encode(Self.plans[0]) {
                _ = try grammar.allowedTokens(state)
                state = try #require(try grammar.advance(state, token: id))
            }
        }
        #expect(error == .tooManyStates(kind: "DFA", limit: 200))
    }
}
