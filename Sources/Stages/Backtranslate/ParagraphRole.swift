import Foundation

/// What a paragraph of a long text is, as far as cutting the text goes: a chapter heading (a cut
/// point to prefer), a short title line, the heading of a reference list or an entry of one
/// (left out), or body text.
enum ParagraphRole: Equatable {
    /// `# …`, `Chapter 3`, `Part II`, `第三章`: starts a new chapter.
    case chapterHeading
    /// A short single line without sentence punctuation, such as a section title.
    case titleLine
    /// `References`, `Bibliography`, `Works Cited`, `参考文献`, …
    case referencesHeading
    /// `[3] Smith, J. (2004). …`, a numbered or author-year entry with a year, or a DOI/URL line.
    case referenceEntry
    case body

    var isHeading: Bool { self == .chapterHeading || self == .titleLine }

    private static func regex(_ pattern: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    private static let chapter = [
        regex(#"^#{1,6}\s+\S"#),
        regex(#"^(chapter|part|book|section|act|prologue|epilogue)(\s+([0-9]+|[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))?\b[^.!?]*$"#),
        regex(#"^第\s*[0-9一二三四五六七八九十百零〇两]+\s*[章节回部篇卷]"#),
    ]
    private static let referencesTitle = regex(
        #"^(#+\s*)?(([0-9]+|[ivx]+)[.)]?\s+)?(references|reference list|bibliography|works cited|literature cited|sources|notes|endnotes|further reading|citations|参考文献|参考资料|引用文献|注释|참고\s?문헌)\s*[:：]?$"#)
    private static let entry = [
        regex(#"^(\[\d+\]|\d+\.)\s+.*\b(1[5-9]|20)\d\d[a-z]?\b"#),
        regex(#"^[\p{Lu}][\p{L}'’\-]+,\s+(\p{Lu}\.|\p{Lu}[\p{L}]+).*\(?\b(1[5-9]|20)\d\d[a-z]?\b\)?"#),
        regex(#"(doi:\s*10\.|https?://\S+)"#),
    ]

    static func of(_ paragraph: String) -> ParagraphRole {
        let range = NSRange(paragraph.startIndex..., in: paragraph)
        func matches(_ r: NSRegularExpression) -> Bool { r.firstMatch(in: paragraph, range: range) != nil }
        let singleLine = !paragraph.contains("\n")
        if singleLine && matches(referencesTitle) { return .referencesHeading }
        if singleLine && LengthCounter.count(paragraph) <= 14 && chapter.contains(where: matches) { return .chapterHeading }
        if entry.contains(where: matches) && LengthCounter.count(paragraph) <= 80 { return .referenceEntry }
        if singleLine, LengthCounter.count(paragraph) <= 10, let last = paragraph.last,
           !".!?…。！？，,;；:：\"”'’)）".contains(last) {
            return .titleLine
        }
        return .body
    }
}
