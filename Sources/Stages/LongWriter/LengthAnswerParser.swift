import Foundation

/// Reads the model's answers to the two length-prediction questions, tolerating format drift
/// (`### Yes`, `**No**`, `Category: "4000 words"`, `4,000`, JSON labels).
public enum LengthAnswerParser {
    /// Step 1: does the answer need more than 2,000 words?
    public static func parseYesNo(_ answer: String) -> Bool? {
        if let json = jsonObject(answer), let b = json["needs_long_answer"] as? Bool { return b }
        let text = answer.lowercased()
        let words = text.split { !$0.isLetter }
        for word in words.prefix(40) {
            if word == "yes" || word == "true" { return true }
            if word == "no" || word == "false" { return false }
        }
        if text.contains("是") && !text.contains("不是") { return true }
        if text.contains("否") || text.contains("不是") { return false }
        return nil
    }

    /// Step 2: the length category.
    public static func parseBucket(_ answer: String) -> LengthBucket? {
        if let json = jsonObject(answer), let category = json["category"] as? String { return parseBucket(category) }
        let text = answer.lowercased().replacingOccurrences(of: ",", with: "")
        if text.range(of: #"(less than|under|fewer than|below|<)\s*2000"#, options: .regularExpression) != nil { return .under2000 }
        if let r = text.range(of: #"\b(2000|4000|8000|16000|2k|4k|8k|16k)\b"#, options: .regularExpression) {
            switch text[r] {
            case "2000", "2k": return .words2000
            case "4000", "4k": return .words4000
            case "8000", "8k": return .words8000
            default: return .words16000
            }
        }
        return nil
    }

    private static func jsonObject(_ text: String) -> [String: Any]? {
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end,
              let data = String(text[start...end]).data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
