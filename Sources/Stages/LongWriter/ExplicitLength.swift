import Foundation

/// The length a query asks for in so many words ("a 5,000-word report", "不少于8000字").
public enum ExplicitLength {
    /// Words (characters for CJK) the query asks for, or nil when it names no length.
    public static func find(in query: String) -> Int? {
        let text = query.lowercased()
        if let n = english(text) { return n }
        return cjk(query)
    }

    private static let number = #"(\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(k|thousand)?"#

    private static func english(_ text: String) -> Int? {
        let unit = #"\s*(?:-|–)?\s*(?:words?|word-long|wörter|mots|palabras)"#
        // Ranges first: "between 4,000 and 6,000 words", "4000-6000 words", "4,000 to 6,000 words".
        let range = #"(?:between\s+)?"# + number + #"\s*(?:-|–|to|and)\s*"# + number + unit
        if let m = match(range, text), let a = value(m[1], m[2]), let b = value(m[3], m[4]), a > 0, b >= a {
            return (a + b) / 2
        }
        if let m = match(number + unit, text), let n = value(m[1], m[2]) {
            let before = prefix(of: m[0], in: text)
            let upperBound = before.range(of: #"(no more than|not more than|not exceed(ing)?|under|less than|at most|maximum of|max\.?|up to|within)\s*$"#,
                                          options: .regularExpression) != nil
            return upperBound ? Int(Double(n) * 0.9) : n
        }
        if let m = match(#"(\d{1,3})\s*(?:-|–)?\s*pages?\b"#, text), let pages = Int(m[1]), pages > 0 {
            return pages * 500
        }
        return nil
    }

    private static func cjk(_ query: String) -> Int? {
        let numeral = #"([0-9０-９][0-9０-９,，]*(?:\.\d+)?|[零一二两三四五六七八九十百千万]+)\s*(万|千)?\s*(?:字|자)"#
        guard let m = match(numeral, query), let base = cjkNumber(m[1]) else { return nil }
        var n = base
        if m[2] == "万" { n *= 10_000 } else if m[2] == "千" { n *= 1000 }
        let before = prefix(of: m[0], in: query)
        let upperBound = before.range(of: #"(不超过|不多于|(?<!不)少于|最多)\s*$"#, options: .regularExpression) != nil
            || query.range(of: m[0] + "以内") != nil
        return upperBound ? Int(Double(n) * 0.9) : n
    }

    static func cjkNumber(_ s: String) -> Int? {
        let ascii = String(s.unicodeScalars.compactMap { scalar -> Character? in
            if (0xFF10...0xFF19).contains(scalar.value) { return Character(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!) }
            if scalar == "," || scalar == "，" { return nil }
            return Character(scalar)
        })
        if let d = Double(ascii) { return Int(d) }
        let digits: [Character: Int] = ["零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        let units: [Character: Int] = ["十": 10, "百": 100, "千": 1000, "万": 10_000]
        var total = 0, section = 0, current = 0
        for ch in s {
            if let d = digits[ch] { current = d } else if let u = units[ch] {
                if u == 10_000 { section = (section + current) * u; total += section; section = 0 } else { section += max(current, 1) * u }
                current = 0
            } else { return nil }
        }
        let result = total + section + current
        return result > 0 ? result : nil
    }

    private static func value(_ digits: String, _ suffix: String) -> Int? {
        let cleaned = digits.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: " ", with: "")
        guard let d = Double(cleaned) else { return nil }
        return Int(d * (suffix.isEmpty ? 1 : 1000))
    }

    private static func match(_ pattern: String, _ text: String) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (0..<m.numberOfRanges).map { i in
            Range(m.range(at: i), in: text).map { String(text[$0]) } ?? ""
        }
    }

    private static func prefix(of match: String, in text: String) -> String {
        guard let r = text.range(of: match) else { return "" }
        return String(text[..<r.lowerBound])
    }
}
