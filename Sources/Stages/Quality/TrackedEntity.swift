import Foundation

/// An entity whose state changed, and how to find its later mentions.
struct TrackedEntity {
    /// The entity as the state sentence names it.
    let display: String
    /// A regular expression matching later mentions; for definite noun phrases group 1 holds the
    /// words between determiner and head, which must not mark a different or a remaining thing.
    let mention: NSRegularExpression
    let chinese: Bool
    /// Identity used to keep only the first state of an entity.
    let identity: String
    /// Words of which every mention holds one (found by one pass over the text before the mention regex runs).
    let literals: [String]
    /// Modifiers the state sentence itself used ("the old king"), which later mentions may repeat.
    var ownModifiers: Set<String> = []

    private static let determiners = "(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Mm]y|[Oo]ur|[Yy]our|[Tt]hat|[Tt]his)"
    /// One word between a determiner and a head: never a determiner, preposition or verb of its own.
    private static let modifierWord = " (?!(?:the|a|an|his|her|their|its|my|our|your|that|this|of|in|on|at|to|and|was|were|had|is)\\b)[a-z]+"
    private static let titleWords: Set<String> = Set(StateChangePatterns.titles.replacingOccurrences(of: "\\.", with: "").split(separator: "|").map(String.init))
    private static let pronouns: Set<String> = ["他", "她", "它", "他们", "她们", "它们", "我", "你", "我们", "你们", "大家", "谁", "人", "有人"]
    /// Common surnames: a three-character name starting with one is also mentioned by its given name.
    private static let surnames: Set<Character> = Set("李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
    /// Leading words of a Chinese clause that are not part of its subject.
    private static let chineseLead = try! NSRegularExpression(pattern: "^(?:但是|可是|然而|于是|后来|最后|最终|终于|那天|当天|第二天|次日|当晚|那晚|那年|不久|随后|突然|就这样|而|但|可|却|又|也|就|那一刻|同一天|第二年)+")
    /// Where a Chinese subject ends: adverbs, time and place phrases before the verb.
    private static let chineseTail = try! NSRegularExpression(pattern: "(?:在|于|已经|已|终于|也|就|都|却|竟然|竟|又|突然|不幸|最后|早已|早就|便|还是|还|因|由于|从此|当场|最终|永远|彻底|完全|终究|已然|一下子|顿时|立刻|随即|从高|从台|被).*$")

    /// An English entity from the subject or object text of a state match, or nil when it names nothing trackable.
    static func english(_ raw: String) -> TrackedEntity? {
        var words = raw.split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        if first.first?.isUppercase == true, !["The", "His", "Her", "Their", "Its", "My", "Our", "Your"].contains(first) {
            while let w = words.first, StateChangePatterns.notNames.contains(w) { words.removeFirst() }
            let title = words.first.flatMap { titleWords.contains($0.replacingOccurrences(of: ".", with: "")) ? $0.replacingOccurrences(of: ".", with: "") : nil }
            let names = words.filter { !titleWords.contains($0.replacingOccurrences(of: ".", with: "")) }
                .flatMap { $0.split(separator: "-").map(String.init) }
            guard !names.isEmpty, names.allSatisfy({ $0.first?.isUppercase == true }) else { return nil }
            var alternatives: [String] = []
            if names.count == 1 {
                alternatives.append("\\b\(names[0])\\b")
            } else {
                alternatives.append("\\b\(names[0])(?: \(names[1]))?\\b")
                alternatives.append("\\b(?:(?:\(StateChangePatterns.titles)) )\(names[1])\\b")
            }
            if let title, !["Mr", "Mrs", "Ms", "Dr", "Sir", "Old"].contains(title) {
                alternatives.append("\\b(?:(?:\(StateChangePatterns.titles)) )?\(names.joined(separator: " "))\\b")
                alternatives.append("\\b\(determiners)((?:\(modifierWord)){0,2}?) \(title.lowercased())\\b")
            }
            let pattern = "(?:" + alternatives.joined(separator: "|") + ")(?! [A-Z][a-z])"
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
            var literals = names
            if let title, !["Mr", "Mrs", "Ms", "Dr", "Sir", "Old"].contains(title) { literals.append(title.lowercased()) }
            return TrackedEntity(display: words.joined(separator: " "), mention: regex, chinese: false, identity: "name:" + names[0], literals: literals)
        }
        guard words.count >= 2, let head = words.last, head.count > 2 else { return nil }
        guard !StateChangePatterns.figurativeHeads.contains(head) else { return nil }
        let pattern = "\\b\(determiners)((?:\(modifierWord)){0,2}?) \(head)\\b"
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        let modifiers = Set(words.dropFirst().dropLast())
        return TrackedEntity(display: raw, mention: regex, chinese: false, identity: "noun:" + head, literals: [head], ownModifiers: modifiers)
    }

    /// A Chinese entity from the clause before a state verb, or nil when none is left after trimming.
    static func chinese(clause: String, verb: String) -> TrackedEntity? {
        var subject = clause
        if let ba = subject.range(of: "把") { subject = String(subject[ba.upperBound...]) }
        else if !verb.hasPrefix("被"), let bei = subject.range(of: "被") { subject = String(subject[..<bei.lowerBound]) }
        subject = replace(chineseLead, in: subject)
        subject = replace(chineseTail, in: subject)
        guard subject.count >= 1, subject.count <= 6, !pronouns.contains(subject),
              subject.unicodeScalars.allSatisfy({ $0.value >= 0x4E00 && $0.value <= 0x9FFF }) else { return nil }
        if subject.count == 1, !["王", "狗", "猫", "马", "钟"].contains(subject) { return nil }
        var literals = [subject]
        if subject.count == 3, let surname = subject.first, surnames.contains(surname) { literals.append(String(subject.dropFirst())) }
        guard let regex = try? NSRegularExpression(pattern: literals.map(NSRegularExpression.escapedPattern).joined(separator: "|")) else { return nil }
        return TrackedEntity(display: subject, mention: regex, chinese: true, identity: "han:" + subject, literals: literals)
    }

    private static func replace(_ regex: NSRegularExpression, in s: String) -> String {
        regex.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: s.utf16.count), withTemplate: "")
    }
}
