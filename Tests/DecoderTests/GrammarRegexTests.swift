import Foundation
import Testing
@testable import Decoder

@Suite("Grammar: regular expressions over bytes")
struct GrammarRegexTests {
    /// Patterns with strings they must accept and strings they must reject (whole-string match).
    static let cases: [(pattern: String, accepted: [String], rejected: [String])] = [
        ("abc", ["abc"], ["", "ab", "abcd", "abd", "ABC"]),
        ("^abc$", ["abc"], ["", "abcabc", "^abc$"]),
        ("a|bc|", ["a", "bc", ""], ["b", "abc", "c"]),
        ("(?:ab)+", ["ab", "abab"], ["", "a", "aba"]),
        ("(ab)*c", ["c", "abc", "ababc"], ["ab", "abac", "cc"]),
        ("(?<year>\\d{4})-(?P<month>\\d\\d)", ["2024-05"], ["24-05", "2024-5", "2024_05"]),
        ("colou?r", ["color", "colour"], ["colouur", "colr"]),
        ("a{3}", ["aaa"], ["aa", "aaaa"]),
        ("a{2,4}", ["aa", "aaa", "aaaa"], ["a", "aaaaa"]),
        ("a{2,}", ["aa", "aaaaaaaa"], ["a", ""]),
        ("a{,2}", ["", "a", "aa"], ["aaa"]),
        ("a{0}b", ["b"], ["ab"]),
        ("x{1,3}?y", ["xy", "xxxy"], ["y", "xxxxy"]),
        ("a{x}", ["a{x}"], ["a", "ax"]),
        ("{}", ["{}"], [""]),
        ("\\d+\\.\\d{2}", ["3.14", "10.00"], ["3.1", "3,14", ".14", "٣.١٤"]),
        ("\\w+", ["snake_case9"], ["kebab-case", "", "é"]),
        ("\\s*", ["", " \t\n\r\u{0B}\u{0C}"], ["\u{A0}", "x"]),
        ("\\D\\W\\S", ["a-b", "é é"], ["1-b", "a_b", "a- "]),
        ("[a-c]+", ["abcabc"], ["abcd", ""]),
        ("[^\"\\\\]*", ["plain text, 中文 😀", ""], ["say \"hi\"", "back\\slash"]),
        ("[]a]", ["]", "a"], ["b", "[]a]"]),
        ("[^]a]", ["b", "中"], ["]", "a"]),
        ("[a-]", ["a", "-"], ["b"]),
        ("[-a]", ["a", "-"], ["b"]),
        ("[\\d.]+", ["1.5", "..."], ["1,5"]),
        ("[\\w-]+", ["kebab-case_9"], ["a b"]),
        ("[\\b]", ["\u{08}"], ["b"]),
        ("[é-ü]", ["é", "ö", "ü"], ["e", "ä", "ý"]),
        ("[中文]+", ["中文中"], ["中a", "日"]),
        ("[\\u{1F600}-\\u{1F64F}]", ["😀", "🙏"], ["🚀", "a"]),
        ("\\u00e9\\x41\\u{4E2D}", ["éA中"], ["eA中"]),
        ("\\n\\t\\r\\f\\v\\0", ["\n\t\r\u{0C}\u{0B}\u{00}"], ["ntrfv0"]),
        (".", ["a", "中", "😀", "\r"], ["\n", "", "ab"]),
        ("a.c", ["abc", "a c", "a中c"], ["a\nc", "ac"]),
        ("\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\\\/", [".*+?()[]{}|^$\\/"], ["a"]),
        ("café|naïve|日本語", ["café", "naïve", "日本語"], ["cafe", "日本"]),
        ("(a|ab)(c|bcd)(d*)", ["abcd", "abcdd", "ac"], ["abd"]),
        ("(a*)*b", ["b", "aaab"], ["aaa"]),
        ("(a?){3}b", ["b", "ab", "aaab"], ["aaaab"]),
        ("(x|y|)+z", ["z", "xyz", "xxyyz"], ["x"]),
    ]

    @Test("every construct accepts exactly what it should", arguments: cases.indices)
    func acceptsAndRejects(index: Int) throws {
        let (pattern, accepted, rejected) = Self.cases[index]
        var matcher = try GrammarTestSupport.Matcher(.regex(pattern))
        for text in accepted {
            #expect(try matcher.accepts(text), "/\(pattern)/ should accept \(text.debugDescription)")
        }
        for text in rejected {
            #expect(try !matcher.accepts(text), "/\(pattern)/ should reject \(text.debugDescription)")
        }
    }

    /// Patterns checked against NSRegularExpression (ICU) on random strings: both must agree on
    /// whole-string matches. Alphabets avoid the places where the engines define classes
    /// differently on purpose (Unicode `\w`, `\d`, `\s` and line terminators for `.` in ICU).
    static let referencePatterns: [(pattern: String, alphabet: [String])] = [
        ("(a|b)*abb", ["a", "b", "c"]),
        ("a{2,3}(b|c{1,2})?", ["a", "b", "c"]),
        ("(ab|a)(bc|c)?d*", ["a", "b", "c", "d"]),
        ("[^ab]+a?", ["a", "b", "c", "é", "中"]),
        ("(x?y){2}|z+", ["x", "y", "z"]),
        ("-?(0|[1-9][0-9]*)(\\.[0-9]+)?", ["-", "0", "1", "9", "."]),
        ("[a-c][^a-c]{0,2}", ["a", "c", "d", "é", "😀"]),
        ("(é|中)+文?", ["é", "中", "文", "e"]),
        ("\\d{2,}[.]\\w", ["1", "2", ".", "a", "_", "-"]),
    ]

    @Test("agrees with NSRegularExpression on random strings")
    func agreesWithReference() throws {
        var random = SeededTestRandom(seed: 0x5EED_0001)
        for (pattern, alphabet) in Self.referencePatterns {
            let reference = try NSRegularExpression(pattern: "^(?:\(pattern))$")
            var matcher = try GrammarTestSupport.Matcher(.regex(pattern))
            var matches = 0
            for _ in 0 ..< 400 {
                let length = Int.random(in: 0 ... 7, using: &random)
                let text = (0 ..< length).map { _ in alphabet.randomElement(using: &random)! }.joined()
                let range = NSRange(text.startIndex..., in: text)
                let expected = reference.firstMatch(in: text, range: range) != nil
                #expect(try matcher.accepts(text) == expected, "/\(pattern)/ on \(text.debugDescription)")
                if expected { matches += 1 }
            }
            #expect(matches > 0, "/\(pattern)/: the random strings never matched, the comparison says little")
        }
    }

    @Test("only valid UTF-8 is accepted: no stray continuation bytes, overlong forms or surrogates")
    func onlyValidUTF8() throws {
        var dfa = try LazyDFA(nfa: ByteNFA(RegexParser.parse("[^a]*"), maxStates: 10_000), maxStates: 10_000)
        for bytes: [UInt8] in [[0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                               [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF]] {
            #expect(try dfa.run(bytes, from: dfa.start) == LazyDFA.dead, "bytes \(bytes) should be rejected")
        }
        for text in ["\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}"] {
            let end = try dfa.run(Array(text.utf8), from: dfa.start)
            #expect(end != LazyDFA.dead && dfa.isAccepting(end), "\(text.unicodeScalars.first!.value) should be accepted")
        }
    }

    @Test("scalar sets compile to exactly the UTF-8 encodings of their members")
    func scalarSetsMatchTheirEncodings() throws {
        var random = SeededTestRandom(seed: 0x5EED_0002)
        let sets = [
            ScalarSet([0x41 ... 0x5A, 0xE9 ... 0xE9, 0x7FF ... 0x801, 0xD7FF ... 0xE001, 0xFFFF ... 0x10000, 0x10FFFF ... 0x10FFFF]),
            JSONTextPatterns.unescapedScalars,
            ScalarSet([0x80 ... 0x10FFFF]),
            ScalarSet([0x3B1 ... 0x3C9, 0x4E00 ... 0x9FFF, 0x1F600 ... 0x1F64F]),
        ]
        for set in sets {
            var dfa = try LazyDFA(nfa: ByteNFA(.scalars(set), maxStates: 10_000), maxStates: 10_000)
            var probes: [UInt32] = [0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF]
            for range in set.ranges {
                for value in [range.lowerBound, range.upperBound] {
                    probes += [value &- 1, value, value + 1]
                }
            }
            for _ in 0 ..< 3000 { probes.append(UInt32.random(in: 0 ... 0x10FFFF, using: &random)) }
            for value in probes {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let end = try dfa.run(Array(String(scalar).utf8), from: dfa.start)
                let accepted = end != LazyDFA.dead && dfa.isAccepting(end)
                #expect(accepted == set.contains(value), "U+\(String(value, radix: 16))")
            }
        }
    }

    static let invalidPatterns: [(pattern: String, offset: Int)] = [
        ("a)", 1), ("(ab", 0), ("[ab", 0), ("*a", 0), ("a**", 2), ("a{3,2}", 1), ("[z-a]", 1),
        ("[]", 0), ("[^\\x00-\\u{10FFFF}]", 0), ("\\", 0), ("\\q", 0), ("\\x4", 0), ("\\u{110000}", 0),
        ("a{100001}", 2), ("[a-\\d]", 1),
    ]

    @Test("malformed patterns are errors that point at the problem", arguments: invalidPatterns.indices)
    func malformed(index: Int) throws {
        let (pattern, offset) = Self.invalidPatterns[index]
        let error = try #require(throws: GrammarError.self) { try RegexParser.parse(pattern) }
        guard case .invalidRegex(let reported, let at, _) = error else {
            Issue.record("/\(pattern)/: \(error)")
            return
        }
        #expect(reported == pattern)
        #expect(at == offset, "/\(pattern)/: \(error)")
    }

    static let unsupportedPatterns: [(pattern: String, construct: String)] = [
        ("(a)\\1", "back-reference"), ("a(?=b)", "look-around group"), ("a(?<!b)", "look-around group"),
        ("\\bword", "word boundary \\b"), ("a^b", "^ anchor inside the pattern"), ("a$b", "$ anchor inside the pattern"),
        ("\\p{L}", "Unicode property \\p{…}"), ("[[:alpha:]]", "POSIX class [:…:]"), ("(?i)a", "group flags (?…)"),
        ("a*+", "possessive quantifier"), ("\\012", "octal escape"),
    ]

    @Test("unsupported constructs are named", arguments: unsupportedPatterns.indices)
    func unsupported(index: Int) throws {
        let (pattern, construct) = Self.unsupportedPatterns[index]
        let error = try #require(throws: GrammarError.self) { try RegexParser.parse(pattern) }
        guard case .unsupportedRegex(_, _, let reported) = error else {
            Issue.record("/\(pattern)/: \(error)")
            return
        }
        #expect(reported == construct)
    }

    @Test("automaton limits are errors, not crashes")
    func limits() throws {
        #expect(throws: GrammarError.tooManyStates(kind: "NFA", limit: 1000)) {
            try ByteNFA(RegexParser.parse("[a-z]{2000}"), maxStates: 1000)
        }
        // (a|b)*a(a|b){12} needs 2^13 DFA states: the lazy DFA stops at its cap with an error.
        var dfa = try LazyDFA(nfa: ByteNFA(RegexParser.parse("(a|b)*a(a|b){12}"), maxStates: 10_000), maxStates: 500)
        var random = SeededTestRandom(seed: 0x5EED_0003)
        let text = (0 ..< 5000).map { _ in Bool.random(using: &random) ? UInt8(ascii: "a") : UInt8(ascii: "b") }
        #expect(throws: GrammarError.tooManyStates(kind: "DFA", limit: 500)) { try dfa.run(text, from: dfa.start) }
    }
}
