import Foundation

/// The length a query asks for in so many words ("a 5,000-word report", "不少于8000字").
///
/// What each form yields (words; characters for Chinese, Japanese and Korean `字`/`자`):
/// | form | example | yields |
/// |---|---|---|
/// | exact or approximate | "a 5,000-word", "about 5000 words", "5000字左右", "約3000字" | N |
/// | lower bound | "at least / no less than / no fewer than / minimum of / over / more than N words", "N+ words", "不少于N字", "至少N字", "N字以上" | N (the bound: never less) |
/// | upper bound | "no more than / less than / under / at most / up to / within / maximum of N words", "不超过N字", "N字以内", "N字未満" | 0.9 × N (just inside the bound) |
/// | range | "between N and M words", "N to M words", "N-M words", "3000-5000字", "3000到5000字" | the midpoint (N + M) / 2 |
/// | pages | "a 20-page paper" | 500 words a page |
/// Numbers: digits with or without thousands separators, "5k", "5 thousand", "1.5万", Chinese
/// numerals ("一万", "两千五百"). Units: "word(s)", "字", "자", "词"/"詞" (Chinese for words), "語" and
/// "단어" (words in Japanese and Korean), "文字" (Japanese characters).
public enum ExplicitLength {
    /// Words (characters for CJK) the query asks for, or nil when it names no length.
    public static func find(in query: String) -> Int? {
        let text = query.lowercased()
        if let n = english(text) { return n }
        return cjk(query)
    }

    private static let number = #"(\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(k|thousand)?"#
    /// Words that make the number after them an upper bound; "no less than" / "not fewer than" are lower bounds.
    private static let englishUpperBound = #"(no more than|not more than|not exceed(ing)?|under|(?<!no |not )less than|(?<!no |not )fewer than|"#
        + #"at most|maximum of|max\.?|up to|within)\s*$"#

    private static func english(_ text: String) -> Int? {
        let unit = #"\s*\+?\s*(?:-|–)?\s*(?:words?|word-long|wörter|mots|palabras)\b"#
        // Ranges first: "between 4,000 and 6,000 words", "from 4000 to 6000 words", "4000-6000 words", "4,000 to 6,000 words".
        let ranges = [#"\bbetween\s+"# + number + #"\s*(?:words?\s*)?and\s*"# + number + unit,
                      number + #"\s*(?:words?\s*)?(?:-|–|to)\s*"# + number + unit]
        for range in ranges {
            if let m = match(range, text), let a = value(m[1], m[2]), let b = value(m[3], m[4]), a > 0, b >= a {
                return (a + b) / 2
            }
        }
        if let m = match(number + unit, text), let n = value(m[1], m[2]) {
            let before = prefix(of: m[0], in: text)
            return before.range(of: englishUpperBound, options: .regularExpression) != nil ? Int(Double(n) * 0.9) : n
        }
        if let m = match(#"(\d{1,3})\s*(?:-|–)?\s*pages?\b"#, text), let pages = Int(m[1]), pages > 0 {
            return pages * 500
        }
        return nil
    }

    private static let cjkNumeral = #"([0-9０-９][0-9０-９,，]*(?:\.\d+)?|[零一二两三四五六七八九十百千万]+)\s*(万|千)?"#
    private static let cjkUnit = #"\s*(?:文字|字|자|词|詞|語|단어)"#

    private static func cjk(_ query: String) -> Int? {
        // Ranges first: "3000-5000字", "3000到5000字", "三千至五千字", "3000字から5000字".
        let range = cjkNumeral + #"\s*(?:文字|字|자)?\s*(?:-|–|—|~|～|〜|到|至|から|에서)\s*"# + cjkNumeral + cjkUnit
        if let m = match(range, query), let a = cjkValue(m[1], m[2]), let b = cjkValue(m[3], m[4]), a > 0, b >= a {
            return (a + b) / 2
        }
        guard let m = match(cjkNumeral + cjkUnit, query), let n = cjkValue(m[1], m[2]) else { return nil }
        let before = prefix(of: m[0], in: query)
        let upperBound = before.range(of: #"(不超过|不多于|(?<!不)少于|最多)\s*$"#, options: .regularExpression) != nil
            || query.range(of: NSRegularExpression.escapedPattern(for: m[0]) + #"\s*(以内|以下|未満|이내|이하|미만)"#,
                           options: .regularExpression) != nil
        return upperBound ? Int(Double(n) * 0.9) : n
    }

    /// A CJK-style count: digits or Chinese numerals, times 万 or 千 when one follows ("1.5万" = 15000).
    private static func cjkValue(_ digits: String, _ multiplier: String) -> Int? {
        let factor = multiplier == "万" ? 10_000.0 : multiplier == "千" ? 1000.0 : 1.0
        if let d = decimal(digits) { return Int(d * factor) }
        return cjkNumber(digits).map { Int(Double($0) * factor) }
    }

    /// Digits (ASCII or full-width, with `,` or `，` separators) as a number.
    private static func decimal(_ s: String) -> Double? {
        let ascii = String(s.unicodeScalars.compactMap { scalar -> Character? in
            if (0xFF10...0xFF19).contains(scalar.value) { return Character(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!) }
            if scalar == "," || scalar == "，" { return nil }
            return Character(scalar)
        })
        return Double(ascii)
    }

    /// An integer written in digits or Chinese numerals ("8000", "两千五百", "一万").
    static func cjkNumber(_ s: String) -> Int? {
        if let d = decimal(s) { return Int(d) }
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
