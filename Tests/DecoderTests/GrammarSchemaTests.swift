import Foundation
import Testing
@testable import Decoder

@Suite("Grammar: JSON schema subset")
struct GrammarSchemaTests {
    /// Schemas with texts they must accept and texts they must reject (whole output).
    static let cases: [(schema: String, accepted: [String], rejected: [String])] = [
        // Objects: exactly the required properties, in `properties` order; one optional space after : and ,.
        (#"{"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"string"},"c":{"type":"boolean"}},"required":["a","b"]}"#,
         [#"{"b":1,"a":"x"}"#, #"{"b": 1, "a": "x"}"#, #"{"b":1, "a":"x"}"#],
         [#"{"a":"x","b":1}"#, #"{"b":1,"a":"x","c":true}"#, #"{ "b":1,"a":"x"}"#, #"{"b":1 ,"a":"x"}"#,
          #"{"b":1,"a":"x"} "#, #"{"b":  1,"a":"x"}"#, #"{"b":1}"#, "{\"b\":1,\n\"a\":\"x\"}"]),
        (#"{"type":"object","properties":{"x":{"type":"null"}}}"#, ["{}"], [#"{"x":null}"#]),
        (#"{"properties":{"k":{"type":"boolean"}},"required":["k"],"additionalProperties":false}"#,
         [#"{"k":true}"#, #"{"k": false}"#], [#"{"k":1}"#, #"{"k":"true"}"#]),
        // Strings.
        (#"{"type":"string"}"#,
         [#""""#, #""a\"b""#, #""\\n""#, #""\n\t\r\b\f\/""#, #""\u00e9\uFFFF""#, #""中文😀""#, #""'single'""#],
         [#""a"b""#, #""\x""#, "\"a\nb\"", #""\ud800""#, #""\uDFFF""#, #""\u12""#, "'a'", #""abc"#, "\"\u{7F}\u{1F}\""]),
        (#"{"type":"string","minLength":2,"maxLength":3}"#,
         [#""ab""#, #""abc""#, #""a\nb""#, #""中文😀""#, #""\u0041bc""#],
         [#""a""#, #""abcd""#, #""😀""#, #""""#]),
        (#"{"type":"string","enum":["red","green blue","say \"hi\"","é"]}"#,
         [#""red""#, #""green blue""#, #""say \"hi\"""#, #""é""#],
         [#""Red""#, #""green""#, #""\u00e9""#, "red"]),
        (#"{"type":"string","pattern":"^[a-z]+-\\d{2}$"}"#, [#""abc-12""#], [#""abc-1""#, #""ABC-12""#, "abc-12"]),
        (#"{"type":"string","pattern":"a\"b\\\\c\\n"}"#, [#""a\"b\\c\n""#], [#""a"b\c\n""#, #""a\"b\\c\u000a""#]),
        // Numbers.
        (#"{"type":"integer","minimum":-5,"maximum":12}"#, ["-5", "0", "12", "7"], ["-6", "13", "-0", "05", "1.0", "+3"]),
        (#"{"type":"integer","exclusiveMinimum":-5,"exclusiveMaximum":12}"#, ["-4", "11"], ["-5", "12"]),
        (#"{"type":"integer","minimum":1.5,"maximum":3.5}"#, ["2", "3"], ["1", "4"]),
        (#"{"type":"integer","exclusiveMinimum":1.5,"exclusiveMaximum":3.5}"#, ["2", "3"], ["1", "4"]),
        (#"{"type":"integer"}"#, ["0", "-9223372036854775808", "9223372036854775807"], ["9223372036854775808", "1e3", "-"]),
        (#"{"type":"number"}"#,
         ["0", "-1.5", "1e10", "2.5E-3", "123456789012345", "0.000001", "-0", "7e+99"],
         ["01", "1.", ".5", "+1", "1e", "1e123", "1234567890123456", "NaN", "Infinity"]),
        // Literals.
        (#"{"type":"boolean"}"#, ["true", "false"], ["True", "1", "null"]),
        (#"{"type":"null"}"#, ["null"], ["", "nil"]),
        (#"{"const":{"k":[1,2],"s":"v"}}"#, [#"{"k":[1,2],"s":"v"}"#], [#"{"k": [1,2],"s":"v"}"#, #"{"s":"v","k":[1,2]}"#]),
        (#"{"enum":[1,"a",null,true,2.50,[]]}"#, ["1", #""a""#, "null", "true", "2.50", "[]"], ["2.5", "false", "a", "[ ]"]),
        (#"{"type":"integer","enum":[1,5,"x",12,-3],"minimum":0,"maximum":10}"#, ["1", "5"], ["12", #""x""#, "-3"]),
        // Arrays.
        (#"{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":3}"#,
         ["[1]", "[1,2]", "[1, 2, 3]"], ["[]", "[1,2,3,4]", "[1,]", "[ 1]", "[1 ]", "[,1]"]),
        (#"{"type":"array","items":{"type":"boolean"}}"#, ["[]", "[true]", "[true,false,true,true,false]"], ["[true,]", "[1]"]),
        (#"{"type":"array","items":{"type":"string"},"maxItems":0}"#, ["[]"], [#"["a"]"#]),
        (#"{"type":"array","items":{"type":"array","items":{"type":"null"},"minItems":2,"maxItems":2},"minItems":2}"#,
         ["[[null,null],[null, null]]"], ["[[null,null]]", "[[null],[null,null]]"]),
        // Unions.
        (#"{"type":["string","null"],"maxLength":2}"#, [#""ab""#, "null"], [#""abc""#, "1"]),
        (#"{"anyOf":[{"type":"integer","minimum":0,"maximum":5},{"const":"x"}],"description":"either"}"#,
         ["0", "5", #""x""#], ["6", #""y""#]),
    ]

    @Test("every construct accepts exactly what it should", arguments: cases.indices)
    func acceptsAndRejects(index: Int) throws {
        let (schema, accepted, rejected) = Self.cases[index]
        var matcher = try GrammarTestSupport.Matcher(.jsonSchema(schema))
        for text in accepted {
            #expect(try matcher.accepts(text), "\(schema) should accept \(text)")
        }
        for text in rejected {
            #expect(try !matcher.accepts(text), "\(schema) should reject \(text.debugDescription)")
        }
    }

    @Test("accepted texts parse as JSON and mean what the schema says")
    func acceptedTextsAreJSON() throws {
        for (_, accepted, _) in Self.cases {
            for text in accepted {
                #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil, "\(text)")
            }
        }
    }

    static let unsupported: [(schema: String, keyword: String, path: String)] = [
        (#"{"type":"string","format":"date-time"}"#, "format", "#/format"),
        (##"{"type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"required":["a"]}"##, "$ref", "#/properties/a/$ref"),
        (#"{"type":"object","properties":{},"additionalProperties":true}"#, "additionalProperties", "#/additionalProperties"),
        (#"{"type":"object","additionalProperties":{"type":"string"}}"#, "additionalProperties", "#/additionalProperties"),
        (#"{"type":"array","items":[{"type":"string"}]}"#, "items", "#/items"),
        (#"{"oneOf":[{"type":"string"}]}"#, "oneOf", "#/oneOf"),
        (#"{"type":"number","minimum":0}"#, "minimum", "#/minimum"),
        (#"{"type":"string","minimum":3}"#, "minimum", "#/minimum"),
        (#"{"type":"string","pattern":"a+","maxLength":3}"#, "maxLength", "#/maxLength"),
        (#"{"type":"integer","exclusiveMinimum":true,"minimum":1}"#, "exclusiveMinimum", "#/exclusiveMinimum"),
        (#"{"type":"array","items":{"type":"string"},"uniqueItems":true}"#, "uniqueItems", "#/uniqueItems"),
        (#"{"type":"object","properties":{"list":{"type":"array","items":{"type":"string","format":"email"}}},"required":["list"]}"#,
         "format", "#/properties/list/items/format"),
        (#"{"type":"object","properties":{"a/b~c":{"type":"integer","multipleOf":2}},"required":["a/b~c"]}"#,
         "multipleOf", "#/properties/a~1b~0c/multipleOf"),
        (#"{"anyOf":[{"type":"string"}],"maxLength":3}"#, "maxLength", "#/maxLength"),
        (#"{"anyOf":[{"not":{"type":"string"}}]}"#, "not", "#/anyOf/0/not"),
        ("true", "true", "#"),
    ]

    @Test("unsupported keywords are named with their JSON Pointer", arguments: unsupported.indices)
    func unsupportedKeyword(index: Int) throws {
        let (schema, keyword, path) = Self.unsupported[index]
        let error = try #require(throws: GrammarError.self) { try JSONSchemaCompiler.compile(schemaText: schema) }
        guard case .unsupportedKeyword(let reportedKeyword, let reportedPath, _) = error else {
            Issue.record("\(schema): \(error)")
            return
        }
        #expect(reportedKeyword == keyword, "\(schema): \(error)")
        #expect(reportedPath == path, "\(schema): \(error)")
    }

    static let invalid: [(schema: String, path: String)] = [
        (#"{"type":"object","properties":{"a":{"type":"string"}},"required":["b"]}"#, "#/required/0"),
        (#"{"type":"array"}"#, "#"),
        (#"{"type":"integer","minimum":5,"maximum":4}"#, "#"),
        (#"{"type":"integer","exclusiveMinimum":4,"exclusiveMaximum":5}"#, "#"),
        (#"{"type":"array","items":{"type":"null"},"minItems":3,"maxItems":2}"#, "#/maxItems"),
        (#"{"type":"string","minLength":-1}"#, "#/minLength"),
        (#"{"type":"str"}"#, "#/type"),
        (#"{"type":"integer","enum":["a","b"]}"#, "#"),
        (#"{"type":"string","pattern":"(a"}"#, "#/pattern"),
        (#"{"type":"object","properties":{"a":{"type":"string","maxLength":"3"}},"required":["a"]}"#, "#/properties/a/maxLength"),
        (#"{"description":"no type"}"#, "#"),
        (#"{"type":"object","properties":{"a":false},"required":["a"]}"#, "#/properties/a"),
        (#"[]"#, "#"),
    ]

    @Test("invalid schemas are errors at their JSON Pointer", arguments: invalid.indices)
    func invalidSchema(index: Int) throws {
        let (schema, path) = Self.invalid[index]
        let error = try #require(throws: GrammarError.self) { try JSONSchemaCompiler.compile(schemaText: schema) }
        guard case .invalidSchema(let reportedPath, _) = error else {
            Issue.record("\(schema): \(error)")
            return
        }
        #expect(reportedPath == path, "\(schema): \(error)")
    }

    @Test("schema text that is not JSON is an error with its byte offset")
    func notJSON() throws {
        for (text, offset) in [("{\"type\":", 8), ("{\"type\":\"string\",}", 17), ("{\"a\":1,\"a\":2}", 7), ("[1] x", 4), ("\"\\ud800\"", 7)] {
            let error = try #require(throws: GrammarError.self) { try JSONValue(parsing: text) }
            guard case .invalidSchemaJSON(let at, _) = error else {
                Issue.record("\(text): \(error)")
                continue
            }
            #expect(at == offset, "\(text): \(error)")
        }
    }

    @Test("the schema reader keeps member order, number literals and every string escape")
    func readsJSON() throws {
        let value = try JSONValue(parsing: #" {"z": [1, -2.50e+3, true, null], "a": "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} "#)
        guard case .object(let members) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(members.map(\.key) == ["z", "a"])
        #expect(members[0].value == .array([.number("1"), .number("-2.50e+3"), .bool(true), .null]))
        #expect(members[1].value == .string("\"\\/\u{08}\u{0C}\n\r\té😀"))
        #expect(JSONValue.quoted("\"\\/\u{08}\u{0C}\n\r\t\u{01}é") == #""\"\\/\b\f\n\r\t\u0001é""#)
    }

    @Test("response formats encode as a tagged object and decode back")
    func codable() throws {
        for format in [ResponseFormat.text, .regex("a|b"), .jsonSchema(#"{"type":"null"}"#)] {
            let data = try JSONEncoder().encode(format)
            #expect(try JSONDecoder().decode(ResponseFormat.self, from: data) == format)
        }
        let decoded = try JSONDecoder().decode(ResponseFormat.self, from: Data(#"{"type":"regex","pattern":"x+"}"#.utf8))
        #expect(decoded == .regex("x+"))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ResponseFormat.self, from: Data(#"{"type":"grammar"}"#.utf8))
        }
    }
}
