import Foundation
import Testing
@testable import Decoder

/// Helpers shared by the grammar tests: byte-level matching and the default model's vocabulary.
enum GrammarTestSupport {
    /// The default model's tokenizer and its vocabulary for grammars, built once per test process.
    static func smolLM() throws -> (tokenizer: BPETokenizer, vocabulary: TokenVocabulary) {
        let tokenizer = try TokenizerTestSupport.smolLM()
        return (tokenizer, try vocabularyResult.get())
    }

    private static let vocabularyResult = Result<TokenVocabulary, Error> {
        TokenVocabulary(tokenizer: try TokenizerTestSupport.smolLM())
    }

    /// The default plan format compiled for the default model, shared so that its caches warm up
    /// once for all tests.
    static func planGrammar() throws -> TokenGrammar { try planGrammarResult.get() }

    private static let planGrammarResult = Result<TokenGrammar, Error> {
        try TokenGrammar(format: .agentWritePlan(), vocabulary: vocabularyResult.get())
    }

    /// A byte-level matcher for the default plan format (copy it: matchers are values).
    static func planMatcher() throws -> Matcher { try planMatcherResult.get() }

    private static let planMatcherResult = Result<Matcher, Error> { try Matcher(.agentWritePlan()) }

    /// A byte-level matcher for a format's language.
    struct Matcher {
        private var dfa: LazyDFA

        init(_ format: ResponseFormat) throws {
            try self.init(format.language())
        }

        init(_ node: RegexNode) throws {
            dfa = try LazyDFA(nfa: ByteNFA(node, maxStates: 4_000_000), maxStates: 1_000_000)
        }

        /// Whether the whole of `text` is in the language.
        mutating func accepts(_ text: String) throws -> Bool {
            let end = try dfa.run(text.utf8, from: dfa.start)
            return end != LazyDFA.dead && dfa.isAccepting(end)
        }

        /// How many bytes of `text` are a prefix of some string of the language.
        mutating func livePrefixLength(_ text: String) throws -> Int {
            var state = dfa.start
            for (offset, byte) in text.utf8.enumerated() {
                state = try dfa.next(state, byte: byte)
                if state == LazyDFA.dead { return offset }
            }
            return text.utf8.count
        }
    }

    /// Whether `format` accepts exactly `text`.
    static func accepts(_ format: ResponseFormat, _ text: String) throws -> Bool {
        var matcher = try Matcher(format)
        return try matcher.accepts(text)
    }

    /// The schema `schema` (JSON text) as a format.
    static func schema(_ schema: String) -> ResponseFormat { .jsonSchema(schema) }
}
