import Foundation

/// One step of an AgentWrite plan: what a paragraph covers and how long it is.
public struct PlanStep: Sendable, Equatable, Codable {
    public var mainPoint: String
    public var wordCount: Int

    public init(mainPoint: String, wordCount: Int) {
        self.mainPoint = mainPoint
        self.wordCount = wordCount
    }
}

/// Reads plans as the model writes them: text lines `Paragraph N - Main Point: … - Word Count: N words`
/// (with drift), or the JSON plan `{"paragraphs": [{"main_point", "word_count"}]}`.
public enum PlanParser {
    public static func parse(_ text: String) -> [PlanStep] {
        if let json = parseJSON(text), !json.isEmpty { return json }
        return parseLines(text)
    }

    public static func parseJSON(_ text: String) -> [PlanStep]? {
        guard let start = text.firstIndex(where: { $0 == "{" || $0 == "[" }),
              let data = String(text[start...]).data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        let list = (object as? [String: Any])?["paragraphs"] as? [Any] ?? object as? [Any] ?? []
        return list.compactMap { item in
            guard let dict = item as? [String: Any] else { return nil }
            let point = (dict["main_point"] ?? dict["mainPoint"] ?? dict["point"]) as? String
            let count = (dict["word_count"] ?? dict["wordCount"] ?? dict["words"]).flatMap { ($0 as? Int) ?? Int("\($0)") }
            guard let point, let count, !point.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return PlanStep(mainPoint: point.trimmingCharacters(in: .whitespacesAndNewlines), wordCount: count)
        }
    }

    private static let linePattern = try! NSRegularExpression(pattern: #"""
        (?:paragraph|section|part|step|段落?|第)\s*\d+\s*[段部分]?\s*[-–—:：.)]*\s*\**\s*(?:main\s*point|要点|主要内容|内容)?\s*\**\s*[:：]?\s*(.+?)\s*[-–—|,;，；]*\s*\**\s*(?:word\s*count|words|字数)\s*\**\s*[:：]?\s*\**\s*([\d,，]+)
        """#, options: [.caseInsensitive])

    public static func parseLines(_ text: String) -> [PlanStep] {
        var steps: [PlanStep] = []
        for raw in text.components(separatedBy: .newlines) {
            let line = raw.replacingOccurrences(of: "*", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "#>- \t"))
            guard let m = linePattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                  let pointRange = Range(m.range(at: 1), in: line), let countRange = Range(m.range(at: 2), in: line),
                  let count = Int(line[countRange].filter(\.isNumber)) else { continue }
            let point = line[pointRange].trimmingCharacters(in: CharacterSet(charactersIn: " *-–—:：\"'"))
            if !point.isEmpty { steps.append(PlanStep(mainPoint: point, wordCount: count)) }
        }
        return steps
    }
}

/// Checks a plan against AgentWrite's rules and repairs what it can by rescaling, splitting and
/// merging steps: 200–1,000 words a step, total within ±15% of the required length, at most 50 steps.
public struct PlanValidator: Sendable {
    public var minWords = PlanSchema.minWordCount
    public var maxWords = PlanSchema.maxWordCount
    public var maxSteps = PlanSchema.maxParagraphs
    public var tolerance = 0.15

    public init() {}

    /// Problems with a plan for a required length; empty when it is valid.
    public func problems(_ steps: [PlanStep], required: Int) -> [String] {
        var found: [String] = []
        if steps.isEmpty { found.append("no steps") }
        if steps.count > maxSteps { found.append("\(steps.count) steps, at most \(maxSteps)") }
        for (i, s) in steps.enumerated() where s.wordCount < minWords || s.wordCount > maxWords {
            found.append("step \(i + 1) has \(s.wordCount) words, allowed \(minWords)–\(maxWords)")
        }
        let total = steps.reduce(0) { $0 + $1.wordCount }
        if required > 0, abs(Double(total - required)) > tolerance * Double(required) {
            found.append("total \(total) words is not within ±\(Int(tolerance * 100))% of \(required)")
        }
        let repeated = steps.count - Self.distinct(steps).count
        if repeated > 0 { found.append("\(repeated) main point(s) repeat an earlier one") }
        return found
    }

    /// The steps whose main point (case and spacing aside) has not come before.
    static func distinct(_ steps: [PlanStep]) -> [PlanStep] {
        var seen = Set<String>()
        return steps.filter { seen.insert($0.mainPoint.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")).inserted }
    }

    /// A valid plan made from `steps` (repeated main points dropped, word counts rescaled), or
    /// nil when there is nothing to build on.
    public func repair(_ steps: [PlanStep], required: Int) -> [PlanStep]? {
        let usable = Self.distinct(steps.filter { $0.wordCount > 0 && !$0.mainPoint.isEmpty })
        guard !usable.isEmpty, required >= minWords else { return nil }
        // Rescale to the required total, then split steps that are too long and merge ones too short.
        let total = Double(usable.reduce(0) { $0 + $1.wordCount })
        var scaled = usable.map { PlanStep(mainPoint: $0.mainPoint, wordCount: Int((Double($0.wordCount) * Double(required) / total).rounded())) }
        var split: [PlanStep] = []
        for step in scaled {
            let parts = Int((Double(step.wordCount) / Double(maxWords)).rounded(.up))
            if parts <= 1 { split.append(step); continue }
            for part in 1...parts {
                split.append(PlanStep(mainPoint: part == 1 ? step.mainPoint : "\(step.mainPoint) (continued, part \(part))",
                                      wordCount: step.wordCount / parts))
            }
        }
        // Group consecutive short steps until each group reaches the minimum.
        scaled = []
        for step in split {
            if let last = scaled.last, last.wordCount < minWords, last.wordCount + step.wordCount <= maxWords {
                scaled[scaled.count - 1] = PlanStep(mainPoint: last.mainPoint + "; " + step.mainPoint, wordCount: last.wordCount + step.wordCount)
            } else {
                scaled.append(step)
            }
        }
        if scaled.count > 1, let last = scaled.last, last.wordCount < minWords,
           scaled[scaled.count - 2].wordCount + last.wordCount <= maxWords {
            scaled.removeLast()
            scaled[scaled.count - 1] = PlanStep(mainPoint: scaled[scaled.count - 1].mainPoint + "; " + last.mainPoint,
                                                wordCount: scaled[scaled.count - 1].wordCount + last.wordCount)
        }
        scaled = scaled.map { PlanStep(mainPoint: $0.mainPoint, wordCount: min(maxWords, max(minWords, $0.wordCount))) }
        while scaled.count > maxSteps {
            let a = scaled.removeLast()
            scaled[scaled.count - 1].wordCount = min(maxWords, scaled[scaled.count - 1].wordCount + a.wordCount)
        }
        return problems(scaled, required: required).isEmpty ? scaled : nil
    }
}
