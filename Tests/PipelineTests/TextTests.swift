import Testing
import TestSupport
@testable import Pipeline
@testable import Stages

@Suite struct TextTests {
    @Test func normalizationCollapsesWhitespace() {
        #expect(TextNormalizer.normalize("  hello \t  world \r\n") == "hello world")
        #expect(TextNormalizer.normalize("a\r\nb\rc\n\n\n\n d ") == "a\nb\nc\n\nd")
        #expect(TextNormalizer.normalize("line one   \n   line two") == "line one\nline two")
        #expect(TextNormalizer.normalize("\u{FEFF}zero\u{200B}width") == "zero width")
        // NFC: e + combining acute equals precomposed é.
        #expect(TextNormalizer.normalize("cafe\u{301}") == "caf\u{E9}")
        #expect(TextNormalizer.normalize(" \n\t ") == "")
    }

    @Test func languageByScript() {
        #expect(LanguageDetector.detect("Write a report about tea.") == "latin")
        #expect(LanguageDetector.detect("Écris un rapport détaillé sur le thé.") == "latin")
        #expect(LanguageDetector.detect("写一篇关于长城的报告") == "zh")
        #expect(LanguageDetector.detect("用Excel的VLOOKUP函数怎么查找数据") == "zh")
        #expect(LanguageDetector.detect("東京についての記事を書いてください") == "ja")
        #expect(LanguageDetector.detect("서울 여행 가이드를 작성해 주세요") == "ko")
        #expect(LanguageDetector.detect("Напишите отчёт о чае") == "other")
        #expect(LanguageDetector.detect("12345 !!!") == "other")
    }

    @Test func lengthCountsCJKCharactersPlusWords() {
        #expect(LengthCounter.count("Write a 3,000-word essay") == 5)
        #expect(LengthCounter.count("写一篇报告") == 5)
        #expect(LengthCounter.count("用Excel写报告") == 5)
        #expect(LengthCounter.count("don't stop") == 2)
        #expect(LengthCounter.count("") == 0)
    }
}

@Suite struct JSONTests {
    @Test func strictParsingRejectsLenientForms() {
        for bad in [#"{"a": 1,}"#, "{'a': 1}", #"{"a": 1} x"#, "[1, 2", #"{"a": "x\#u{01}"}"#, "01", "1.", #""\ud800""#, "// c\n1", ""] {
            #expect(throws: (any Error).self, "\(bad)") { _ = try JSONValue.parse(Array(bad.utf8)) }
        }
    }

    @Test func roundTripsValuesExactly() throws {
        let text = #"{"a":[1,-2,3.5,1e-7,true,false,null],"b":"é \"q\" \\ \n \t \u0001 😀","c":{}}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value["a"]?.array?.count == 7)
        #expect(value["b"]?.string == "é \"q\" \\ \n \t \u{01} 😀")
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(try JSONValue.parse(Array(#""\ud83d\ude00""#.utf8)) == .string("😀"))
    }
}
