/// The one JSON Schema of an AgentWrite plan, `{"paragraphs": [{"main_point", "word_count"}, …]}`:
/// the plan stage decodes under it, `lwdata bench grammar` measures it. Its bounds follow the
/// plan rules (`PlanValidator`): 200–1,000 words a paragraph, about one paragraph per 300–1,000
/// words of the required length, at most 50.
public enum PlanSchema {
    public static let minWordCount = 200
    public static let maxWordCount = 1000
    public static let maxParagraphs = 50
    public static let mainPointLength = 10...160

    /// Fewest and most paragraphs for a required length.
    public static func paragraphs(required: Int) -> ClosedRange<Int> {
        let fewest = max(2, Int((Double(required) / Double(maxWordCount)).rounded(.up)))
        return fewest...min(maxParagraphs, max(fewest, required / 300))
    }

    /// The schema for a required length, as JSON text.
    public static func json(required: Int) -> String {
        json(paragraphs: paragraphs(required: required))
    }

    /// The schema with explicit paragraph bounds.
    public static func json(paragraphs: ClosedRange<Int>) -> String {
        #"{"type":"object","properties":{"paragraphs":{"type":"array","minItems":\#(paragraphs.lowerBound),"maxItems":\#(paragraphs.upperBound),"items":{"type":"object","properties":{"main_point":{"type":"string","minLength":\#(mainPointLength.lowerBound),"maxLength":\#(mainPointLength.upperBound)},"word_count":{"type":"integer","minimum":\#(minWordCount),"maximum":\#(maxWordCount)}},"required":["main_point","word_count"]}}},"required":["paragraphs"]}"#
    }
}
