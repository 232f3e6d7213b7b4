import Foundation
import Testing
@testable import Decoder

/// The distances budget-aware decoding relies on, checked against brute-force searches on a
/// small vocabulary (the 256 byte tokens plus a few dozen multi-byte ones written for the test):
/// bytes to the end per DFA state, tokens to the end per grammar state, and the guarantee that a
/// walk under the budget masks always ends complete.
@Suite("Grammar: distances to a complete output")
struct GrammarDistanceTests {
    /// Multi-byte tokens of the small vocabulary: JSON punctuation, keys cut as BPE might cut them, words, numbers.
    static let extraTokens = [
        #"{""#, #"":"#, #"":""#, #"",""#, #""}"#, #"},{""#, #""]}"#, "}]}", #"[{""#, #"":[{""#, #"", ""#, ", ",
        "paragraphs", "main", "_point", "word", "_count", "analysis", "relevance", "clarity", "depth",
        "ab", "abc", "aaaa", "cd", "ef", "efef", "the", " the", " harbour", "200", "20", "1000", "5", #""x""#,
    ]

    static let tokenizer: BPETokenizer = {
        let spelled = extraTokens.map { text in String(String.UnicodeScalarView(text.utf8.map { ByteLevelAlphabet.characterOfByte[Int($0)] })) }
        return try! TokenizerTestSupport.byteVocabulary(extra: spelled.map { ($0, 1) })
    }()

    static let vocabulary = TokenVocabulary(tokenizer: tokenizer)

    static let formats: [ResponseFormat] = [
        .jsonSchema("""
            {"type":"object","properties":{"paragraphs":{"type":"array","minItems":2,"maxItems":4,"items":{"type":"object",\
            "properties":{"main_point":{"type":"string","minLength":1,"maxLength":12},\
            "word_count":{"type":"integer","minimum":200,"maximum":1000}},"required":["main_point","word_count"]}}},\
            "required":["paragraphs"]}
            """),
        .jsonSchema("""
            {"type":"object","properties":{"analysis":{"type":"string","maxLength":20},\
            "relevance":{"type":"integer","minimum":1,"maximum":5},"clarity":{"type":"integer","minimum":1,"maximum":5},\
            "depth":{"type":"integer","minimum":1,"maximum":5}},"required":["analysis","relevance","clarity","depth"]}
            """),
        .regex("(ab|c)*d(ef){1,3}"),
        .regex("[a-c]{2,6}x?(the|harbour)+"),
    ]

    /// Tokens of the vocabulary that have text.
    static let textTokens: [Int32] = (0 ..< Int32(vocabulary.size)).filter { !vocabulary.bytes(of: $0).isEmpty }

    /// A state reached by `steps` random allowed tokens (fewer if the output finishes first), with its bytes.
    static func randomState(_ grammar: TokenGrammar, steps: Int, random: inout SeededTestRandom) throws -> (GrammarState, [UInt8]) {
        var state = grammar.initialState
        var bytes: [UInt8] = []
        for _ in 0 ..< steps {
            let allowed = try grammar.allowedTokens(state).ids
            guard let id = allowed.randomElement(using: &random) else { break }
            state = try #require(try grammar.advance(state, token: id))
            bytes += vocabulary.bytes(of: id)
        }
        return (state, bytes)
    }

    /// Fewest bytes out of `usable` from `state` to an accepting state, by breadth-first search.
    static func byteDistanceBySearch(_ dfa: inout LazyDFA, from state: Int32, usable: [UInt8]) throws -> Int {
        var seen: Set<Int32> = [state]
        var frontier = [state]
        var distance = 0
        while !frontier.isEmpty {
            if frontier.contains(where: dfa.isAccepting) { return distance }
            var next: [Int32] = []
            for current in frontier {
                for byte in usable {
                    let reached = try dfa.next(current, byte: byte)
                    if reached != LazyDFA.dead, seen.insert(reached).inserted { next.append(reached) }
                }
            }
            frontier = next
            distance += 1
        }
        return Int.max
    }

    /// Fewest tokens from `state` to a complete output, by breadth-first search over every text
    /// token; with `shortestBytes`, only tokens that stay on a shortest completion in bytes.
    static func tokenDistanceBySearch(_ grammar: TokenGrammar, from state: GrammarState, bytes: [UInt8],
                                      byteDFA: inout LazyDFA, shortestBytes: Bool) throws -> Int {
        struct Node: Hashable { var state: GrammarState; var byteState: Int32 }
        let start = Node(state: state, byteState: try byteDFA.run(bytes, from: byteDFA.start))
        var seen: Set<Node> = [start]
        var frontier = [start]
        var distance = 0
        while !frontier.isEmpty {
            if frontier.contains(where: { grammar.isAccepting($0.state) }) { return distance }
            var next: [Node] = []
            for node in frontier {
                for id in textTokens {
                    guard let reached = try grammar.advance(node.state, token: id) else { continue }
                    let token = vocabulary.bytes(of: id)
                    let byteState = try byteDFA.run(token, from: node.byteState)
                    if shortestBytes, byteDFA.distance(byteState) != byteDFA.distance(node.byteState) - Int32(token.count) { continue }
                    let reachedNode = Node(state: reached, byteState: byteState)
                    if seen.insert(reachedNode).inserted { next.append(reachedNode) }
                }
            }
            frontier = next
            distance += 1
        }
        return Int.max
    }

    @Test("each DFA state's byte distance equals a breadth-first search over the bytes it counts",
          arguments: formats.indices, [false, true])
    func byteDistances(format: Int, withoutSomeBytes: Bool) throws {
        // Without some bytes (as in a vocabulary where they are not tokens by themselves), paths must go around them.
        let usable = (0 ... 255).map(UInt8.init).filter { !withoutSomeBytes || !"ab19 \"".utf8.contains($0) }
        var usableSet = ByteSet()
        for byte in usable { usableSet.insert(byte) }
        var dfa = try LazyDFA(nfa: ByteNFA(Self.formats[format].language(), maxStates: 100_000), maxStates: 100_000,
                              distanceBytes: usableSet)
        var random = SeededTestRandom(seed: UInt64(format) + 1)
        for _ in 0 ..< 40 {
            var state = dfa.start
            for _ in 0 ..< Int.random(in: 0 ... 40, using: &random) {
                let live = try (0 ... 255).filter { try dfa.next(state, byte: UInt8($0)) != LazyDFA.dead }
                guard let byte = live.randomElement(using: &random) else { break }
                state = try dfa.next(state, byte: UInt8(byte))
            }
            let searched = try Self.byteDistanceBySearch(&dfa, from: state, usable: usable)
            #expect(dfa.distance(state) == (searched == Int.max ? ByteNFA.unreachable : Int32(searched)))
        }
    }

    @Test("each state's token distance equals a breadth-first search over tokens", arguments: formats.indices)
    func tokenDistances(format: Int) throws {
        let grammar = try TokenGrammar(format: Self.formats[format], vocabulary: Self.vocabulary)
        var byteDFA = try LazyDFA(nfa: ByteNFA(Self.formats[format].language(), maxStates: 100_000), maxStates: 100_000)
        var random = SeededTestRandom(seed: UInt64(format) + 11)
        for sample in 0 ..< 25 {
            let (state, bytes) = try Self.randomState(grammar, steps: Int.random(in: 0 ... 30, using: &random), random: &random)
            let computed = try #require(try grammar.tokensToComplete(state))
            let alongShortest = try Self.tokenDistanceBySearch(grammar, from: state, bytes: bytes, byteDFA: &byteDFA, shortestBytes: true)
            let anyPath = try Self.tokenDistanceBySearch(grammar, from: state, bytes: bytes, byteDFA: &byteDFA, shortestBytes: false)
            let label = "sample \(sample) after \(String(decoding: bytes, as: UTF8.self))"
            #expect(computed == alongShortest, "\(label)")
            let byteDistance = Int(byteDFA.distance(try byteDFA.run(bytes, from: byteDFA.start)))
            #expect(computed >= anyPath && computed <= byteDistance, "\(label)")
            if case .jsonSchema = Self.formats[format] {
                // For JSON texts the completion that is shortest in tokens is also shortest in bytes.
                #expect(computed == anyPath, "\(label): \(computed) tokens, search finds \(anyPath)")
            }
        }
    }

    @Test("walks under the budget masks end complete within any budget that covers the distance", arguments: formats.indices)
    func budgetWalks(format: Int) throws {
        let grammar = try TokenGrammar(format: Self.formats[format], vocabulary: Self.vocabulary)
        var random = SeededTestRandom(seed: UInt64(format) + 21)
        for _ in 0 ..< 30 {
            let (start, bytes) = try Self.randomState(grammar, steps: Int.random(in: 0 ... 20, using: &random), random: &random)
            let needed = try #require(try grammar.tokensToComplete(start))
            for budget in [needed, needed + 1, needed + 3, needed + 10] {
                var state = start
                var left = budget
                while left > 0, try !grammar.isFinished(state) {
                    if grammar.isAccepting(state), Bool.random(using: &random) { break }
                    let allowed = try grammar.allowedTokens(state, remainingTokens: left).ids
                    let id = try #require(allowed.randomElement(using: &random),
                                          "no token allowed with \(left) left after \(String(decoding: bytes, as: UTF8.self))")
                    state = try #require(try grammar.advance(state, token: id))
                    left -= 1
                }
                #expect(grammar.isAccepting(state), "budget \(budget) (distance \(needed)) ran out")
            }
        }
    }
}
