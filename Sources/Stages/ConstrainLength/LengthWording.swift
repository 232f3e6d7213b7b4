import Foundation

/// How a length requirement is written in a query, per language, and how one is read back.
///
/// Each form has one wording per language whose meaning matches its band (`less_than` is
/// "less than" / 少于 / 未満 / 미만, never "at most"-style wordings that a reader could take for
/// "about"), and the parser reads these wordings and the common variants users write. Latin-script
/// and other queries get English wording; lengths are words there and characters in Chinese,
/// Japanese and Korean.
public enum LengthWording {
    /// The sentence that states `requirement` in `language` (`zh`, `ja`, `ko`; anything else: English).
    public static func sentence(_ requirement: LengthRequirement, language: String) -> String {
        let n = requirement.value, b = requirement.upper ?? requirement.value
        switch (language, requirement.form) {
        case ("zh", .about): return "回答长度约为\(n)字。"
        case ("zh", .between): return "回答长度在\(n)字到\(b)字之间。"
        case ("zh", .moreThan): return "回答长度多于\(n)字。"
        case ("zh", .lessThan): return "回答长度少于\(n)字。"
        case ("ja", .about): return "回答は約\(n)字で書いてください。"
        case ("ja", .between): return "回答は\(n)字から\(b)字の間で書いてください。"
        case ("ja", .moreThan): return "回答は\(n)字を超える長さで書いてください。"
        case ("ja", .lessThan): return "回答は\(n)字未満で書いてください。"
        case ("ko", .about): return "답변은 약 \(n)자로 작성해 주세요."
        case ("ko", .between): return "답변은 \(n)자에서 \(b)자 사이로 작성해 주세요."
        case ("ko", .moreThan): return "답변은 \(n)자를 넘게 작성해 주세요."
        case ("ko", .lessThan): return "답변은 \(n)자 미만으로 작성해 주세요."
        case (_, .about): return "The answer should be about \(grouped(n)) words long."
        case (_, .between): return "The answer should be between \(grouped(n)) and \(grouped(b)) words long."
        case (_, .moreThan): return "The answer should be more than \(grouped(n)) words long."
        case (_, .lessThan): return "The answer should be less than \(grouped(n)) words long."
        }
    }

    /// Whether lengths in `language` are counted in characters (CJK) rather than words.
    public static func countsCharacters(_ language: String) -> Bool { ["zh", "ja", "ko"].contains(language) }

    /// `1200` → `1,200`.
    static func grouped(_ n: Int) -> String {
        var digits = String(n), out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return digits + out
    }

    // MARK: Reading

    private static let latinNumber = #"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|thousand)?"#
    private static let cjkNumber = #"([0-9０-９][0-9０-９,，]*|[零一二两三四五六七八九十百千万]+)\s*(万|千)?"#
    private static let word = #"\s*(?:-\s*)?words?\b"#

    /// Patterns by form, most specific first; the groups are (number, suffix) or (number, suffix, number, suffix).
    private static let rules: [(LengthRequirement.Form, NSRegularExpression, Bool)] = {
        let n = latinNumber, c = cjkNumber
        let table: [(LengthRequirement.Form, String, Bool)] = [
            (.between, #"\b(?:between|from)\s+"# + n + #"(?:\s*words?)?\s*(?:and|to|-|–)\s*"# + n + word, false),
            (.between, n + #"\s*(?:-|–|to)\s*"# + n + word, false),
            (.between, c + #"\s*[字자]?\s*(?:到|至|-|–|~|～|から|에서)\s*"# + c + #"\s*[字자]"#, true),
            (.moreThan, #"\b(?:(?<!no |not )more than|over|at least|no (?:fewer|less) than|not less than|(?:a )?minimum of)\s+"# + n + word, false),
            (.moreThan, #"(?:(?<!不)多于|(?<!不)超过|不少于|至少|(?<!不)大于|不低于)\s*"# + c + #"\s*字"#, true),
            (.moreThan, c + #"\s*[字자]\s*(?:以上|を超える|を超|超え|超|를\s*넘|을\s*넘|초과|이상)"#, true),
            (.lessThan, #"\b(?:(?<!no |not )less than|(?<!no |not )fewer than|under|at most|no more than|not more than|up to|(?:a )?maximum of|not exceeding|within)\s+"# + n + word, false),
            (.lessThan, #"(?:(?<!不)少于|不超过|不多于|最多|(?<!不)小于|(?<!不)低于)\s*"# + c + #"\s*字"#, true),
            (.lessThan, c + #"\s*[字자]\s*(?:以内|以下|未満|미만|이내|이하)"#, true),
            (.about, #"\b(?:about|around|approximately|roughly|circa|ca\.|some)\s+"# + n + word, false),
            (.about, n + word, false),
            (.about, #"(?:约为?|大约|大概|約|약)\s*"# + c + #"\s*[字자]"#, true),
            (.about, c + #"\s*[字자]"#, true),
        ]
        return table.map { ($0.0, try! NSRegularExpression(pattern: $0.1, options: [.caseInsensitive]), $0.2) }
    }()

    /// The first length requirement stated in `query`, or nil when it states none.
    public static func parse(_ query: String) -> LengthRequirement? {
        let range = NSRange(query.startIndex..., in: query)
        for (form, regex, cjk) in rules {
            guard let m = regex.firstMatch(in: query, range: range) else { continue }
            let groups = (1..<m.numberOfRanges).map { Range(m.range(at: $0), in: query).map { String(query[$0]) } ?? "" }
            guard let first = number(groups[0], groups[1], cjk: cjk), first > 0 else { continue }
            if form == .between {
                guard let second = number(groups[2], groups[3], cjk: cjk), second > first else { continue }
                return LengthRequirement(form: .between, value: first, upper: second)
            }
            return LengthRequirement(form: form, value: first)
        }
        return nil
    }

    private static func number(_ digits: String, _ suffix: String, cjk: Bool) -> Int? {
        if cjk {
            guard var n = ExplicitLength.cjkNumber(digits) else { return nil }
            if suffix == "万" { n *= 10_000 } else if suffix == "千" { n *= 1000 }
            return n
        }
        guard let d = Double(digits.replacingOccurrences(of: ",", with: "")) else { return nil }
        return Int(d * (suffix.isEmpty ? 1 : 1000))
    }
}
