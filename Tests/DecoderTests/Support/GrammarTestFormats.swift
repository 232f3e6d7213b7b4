@testable import Decoder

/// Formats the grammar tests decode under: a plan-shaped schema and yes/no and category labels.
/// They live with the tests: the decoder knows no dataset schema (the plan stage's own is `PlanSchema` in Stages).
extension ResponseFormat {
    /// The AgentWrite plan as a JSON schema:
    /// `{"paragraphs":[{"main_point":"…","word_count":N},…]}`, with `minParagraphs` to
    /// `maxParagraphs` paragraphs, each main point 1 to `maxMainPointLength` characters and each
    /// word count an integer from `minWordCount` to `maxWordCount`.
    public static func agentWritePlan(minParagraphs: Int = 2, maxParagraphs: Int = 50,
                                      minWordCount: Int = 200, maxWordCount: Int = 1000,
                                      maxMainPointLength: Int = 300) -> ResponseFormat {
        .jsonSchema("""
        {"type":"object","properties":{"paragraphs":{"type":"array","minItems":\(minParagraphs),\
        "maxItems":\(maxParagraphs),"items":{"type":"object","properties":{\
        "main_point":{"type":"string","minLength":1,"maxLength":\(maxMainPointLength)},\
        "word_count":{"type":"integer","minimum":\(minWordCount),"maximum":\(maxWordCount)}},\
        "required":["main_point","word_count"]}}},"required":["paragraphs"]}
        """)
    }

    /// The categories of the predict-length stage's second question, in words.
    public static let defaultLengthCategories = ["less than 2000", "2000", "4000", "8000", "16000"]

    /// A yes/no label as a JSON schema: `{"<property>": true}` or `{"<property>": false}`
    /// (predict-length's first question: is the answer longer than 2,000 words?).
    public static func booleanLabel(property: String = "needs_long_answer") -> ResponseFormat {
        let key = JSONValue.quoted(property)
        return .jsonSchema(#"{"type":"object","properties":{\#(key):{"type":"boolean"}},"required":[\#(key)]}"#)
    }

    /// A one-of-several label as a JSON schema: `{"<property>": "<category>"}` with the category
    /// one of `categories` (predict-length's second question: how many words?).
    public static func categoryLabel(_ categories: [String] = defaultLengthCategories,
                                     property: String = "category") -> ResponseFormat {
        let key = JSONValue.quoted(property)
        let values = categories.map(JSONValue.quoted).joined(separator: ",")
        return .jsonSchema(#"{"type":"object","properties":{\#(key):{"type":"string","enum":[\#(values)]}},"required":[\#(key)]}"#)
    }
}
