import Foundation

/// Finds terminal states in a prepared text and the first later event of the same entity that
/// contradicts each of them.
struct ContradictionFinder {
    struct State {
        let entity: TrackedEntity
        let kind: CoherenceFlag.Kind
        let sentence: Int
    }

    let text: CoherenceText
    /// Sentences holding a revival or repair word, in order.
    private let revivalCandidates: [Int]

    init(text: CoherenceText) {
        self.text = text
        revivalCandidates = text.sentences.indices.filter { text.sentences[$0].holds(any: ContradictionPatterns.revivalCues) }
    }

    /// Every terminal state, the first per entity (a revival lets the entity take a new state).
    func states() -> [State] {
        var found: [(location: Int, state: State)] = []
        for sentence in text.sentences.indices {
            let s = text.sentences[sentence]
            let sentenceNS = s.text as NSString
            for pattern in StateChangePatterns.all where s.holds(any: pattern.cues) && hit(pattern.gate, s.text) {
                for match in pattern.regex.matches(in: s.text, range: NSRange(location: 0, length: sentenceNS.length)) {
                    let subjectRange = match.range(at: 1)
                    guard subjectRange.location != NSNotFound, !text.quoted[s.range.location + match.range.location] else { continue }
                    let raw = sentenceNS.substring(with: subjectRange)
                    let prefix = Self.lastClause(sentenceNS.substring(to: match.range.location))
                    let body = sentenceNS.substring(with: match.range)
                    let entity: TrackedEntity?
                    if pattern.chinese {
                        let verb = String(body.dropFirst(raw.count))
                        if hit(StateChangePatterns.chineseHedge, Self.lastChineseClause(prefix) + raw) { continue }
                        entity = TrackedEntity.chinese(clause: raw.isEmpty ? Self.firstChineseClause(s.text) : raw, verb: verb)
                    } else {
                        let afterSubject = subjectRange.location == match.range.location ? String(body.dropFirst(raw.count)) : ""
                        let ownWords = StateChangePatterns.stateNegations.stringByReplacingMatches(in: afterSubject, range: NSRange(location: 0, length: afterSubject.utf16.count), withTemplate: "")
                        if hit(StateChangePatterns.hedge, prefix) || hit(StateChangePatterns.hedge, ownWords) { continue }
                        if ["He", "She", "he", "she"].contains(raw) {
                            entity = resolvePronoun(sentence: sentence, before: sentenceNS.substring(to: match.range.location))
                        } else {
                            entity = TrackedEntity.english(raw)
                        }
                    }
                    if let entity { found.append((s.range.location + match.range.location, State(entity: entity, kind: pattern.kind, sentence: sentence))) }
                }
            }
        }
        found.sort { $0.location < $1.location }
        var seen: [String: Int] = [:]
        var result: [State] = []
        for (_, state) in found {
            if let until = seen[state.entity.identity], until > state.sentence { continue }
            seen[state.entity.identity] = revival(of: state.entity, after: state.sentence) ?? text.sentences.count
            result.append(state)
        }
        return result
    }

    /// For each state, the first later sentence that contradicts it, or nil. One pass over the text
    /// finds the sentences that name any tracked entity; only those are read closely.
    func contradictions(of states: [State]) -> [Int?] {
        guard !states.isEmpty else { return [] }
        var byLiteral: [String: [Int]] = [:]
        for (i, state) in states.enumerated() { for literal in state.entity.literals { byLiteral[literal, default: []].append(i) } }
        let english = byLiteral.keys.filter { !($0.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false) }.sorted { $0.count > $1.count }
        let chinese = byLiteral.keys.filter { $0.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false }.sorted { $0.count > $1.count }
        var parts: [String] = []
        if !english.isEmpty { parts.append("\\b(?:" + english.map(NSRegularExpression.escapedPattern).joined(separator: "|") + ")\\b") }
        if !chinese.isEmpty { parts.append(chinese.map(NSRegularExpression.escapedPattern).joined(separator: "|")) }
        guard let finder = try? NSRegularExpression(pattern: parts.joined(separator: "|")) else { return states.map { _ in nil } }
        let first = states.map(\.sentence).min() ?? 0
        let from = text.sentences[first].range.location
        var candidates = [[Int]](repeating: [], count: states.count)
        for match in finder.matches(in: text.string, range: NSRange(location: from, length: text.units.count - from)) {
            guard let sentence = text.sentenceIndex(at: match.range.location) else { continue }
            for i in byLiteral[text.substring(match.range)] ?? [] where sentence > states[i].sentence && candidates[i].last != sentence {
                candidates[i].append(sentence)
            }
        }
        return states.enumerated().map { i, state in
            let end = revival(of: state.entity, after: state.sentence) ?? text.sentences.count
            for index in candidates[i] where index < end {
                let sentence = text.sentences[index]
                for match in state.entity.mention.matches(in: sentence.text, range: NSRange(location: 0, length: sentence.text.utf16.count)) {
                    if isContradiction(match, in: index, state: state) { return index }
                }
            }
            return nil
        }
    }

    /// `match` is a mention found in sentence `index`, with ranges relative to that sentence.
    private func isContradiction(_ match: NSTextCheckingResult, in index: Int, state: State) -> Bool {
        let sentence = text.sentences[index]
        let ns = sentence.text as NSString
        if text.quoted[sentence.range.location + match.range.location] { return false }
        let before = ns.substring(to: match.range.location)
        let after = ns.substring(from: match.range.location + match.range.length)
        if state.entity.chinese {
            if hit(ContradictionPatterns.chineseExclusion, sentence.text) || flashbackParagraph(index, ContradictionPatterns.chineseFlashback) { return false }
            if before.hasSuffix("的") { return false }
            if hit(ContradictionPatterns.chinesePartWorks, after), state.kind == .destroyedFunctions { return true }
            guard let regex = ContradictionPatterns.chineseAfter[state.kind],
                  let verb = regex.firstMatch(in: after, range: NSRange(location: 0, length: after.utf16.count)) else { return false }
            let gap = (after as NSString).substring(with: verb.range(at: 1))
            return !hit(ContradictionPatterns.chineseNegation, gap)
        }
        if match.numberOfRanges > 1, match.range(at: 1).location != NSNotFound {
            let modifiers = ns.substring(with: match.range(at: 1)).split(separator: " ").map(String.init)
            if modifiers.contains(where: { ContradictionPatterns.distinguishing.contains($0) && !state.entity.ownModifiers.contains($0) }) { return false }
        }
        if after.hasPrefix("'s") || after.hasPrefix("’s") || after.hasPrefix("' ") || after.hasPrefix("’ ") { return false }
        if hit(ContradictionPatterns.englishBefore, before) { return false }
        if hit(ContradictionPatterns.englishManner, before) { return false }
        if hit(ContradictionPatterns.englishExclusion, sentence.text) || flashbackParagraph(index, ContradictionPatterns.englishFlashback) { return false }
        if after.hasPrefix(" had ") || after.hasPrefix(" would ") || after.hasPrefix(" used ") { return false }
        if let regex = ContradictionPatterns.englishAfter[state.kind], hit(regex, after) { return true }
        if state.kind != .departedReturns, hit(ContradictionPatterns.invertedSpeech, before), hit(ContradictionPatterns.clauseEnd, after) { return true }
        return false
    }

    /// True when an earlier sentence of the same paragraph turned the paragraph to the past.
    private func flashbackParagraph(_ index: Int, _ cue: NSRegularExpression) -> Bool {
        var i = index - 1
        let paragraph = text.sentences[index].paragraph
        while i >= 0, text.sentences[i].paragraph == paragraph {
            if hit(cue, text.sentences[i].text) { return true }
            i -= 1
        }
        return false
    }

    /// The first sentence after `sentence` that brings `entity` back (revived, repaired, survived).
    private func revival(of entity: TrackedEntity, after sentence: Int) -> Int? {
        let cue = entity.chinese ? ContradictionPatterns.chineseRevival : ContradictionPatterns.revival
        let unreal = entity.chinese ? ContradictionPatterns.chineseUnrealRevival : ContradictionPatterns.unrealRevival
        for i in revivalCandidates where i > sentence {
            let s = text.sentences[i].text
            if !hit(unreal, s) {
                if hit(cue, s), hit(entity.mention, s) || mentionsPronoun(s, chinese: entity.chinese) { return i }
                if !entity.chinese, repaired(entity, in: s) { return i }
            }
        }
        return nil
    }

    /// True when a repair word in `s` has a mention of `entity` within a few words of it.
    private func repaired(_ entity: TrackedEntity, in s: String) -> Bool {
        let ns = s as NSString
        for cue in ContradictionPatterns.repair.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            let end = cue.range.location + cue.range.length
            if entity.mention.firstMatch(in: s, range: NSRange(location: end, length: min(40, ns.length - end))) != nil { return true }
            let lower = max(0, cue.range.location - 50)
            let before = ns.substring(with: NSRange(location: lower, length: cue.range.location - lower))
            if hit(Self.passive, before), entity.mention.firstMatch(in: before, range: NSRange(location: 0, length: before.utf16.count)) != nil { return true }
        }
        return false
    }

    private func mentionsPronoun(_ s: String, chinese: Bool) -> Bool {
        chinese ? (s.contains("他") || s.contains("她") || s.contains("它")) : hit(Self.pronoun, s)
    }

    /// The one named person in the sentence before a pronoun state, or in the preceding sentence.
    private func resolvePronoun(sentence: Int, before own: String) -> TrackedEntity? {
        for candidate in [own, sentence > 0 ? text.sentences[sentence - 1].text : ""] {
            let names = Set(Self.personName.matches(in: candidate, range: NSRange(location: 0, length: candidate.utf16.count))
                .map { (candidate as NSString).substring(with: $0.range) }
                .filter { !StateChangePatterns.notNames.contains($0.split(separator: " ").first.map(String.init) ?? "") })
            if names.count == 1, let name = names.first { return TrackedEntity.english(name) }
            if names.count > 1 { return nil }
        }
        return nil
    }

    /// The part of a sentence prefix after its last clause break (", but", ", and", ";", ":").
    private static func lastClause(_ prefix: String) -> String {
        var result = Substring(prefix)
        for separator in [", but ", ", and ", ", yet ", "; ", ": ", " but "] {
            if let r = result.range(of: separator, options: .backwards) { result = result[r.upperBound...] }
        }
        return String(result)
    }

    /// The part of a Chinese sentence prefix after its last comma.
    private static func lastChineseClause(_ prefix: String) -> String {
        String(prefix.split(separator: "，", omittingEmptySubsequences: false).last ?? "")
    }

    /// The first clause of a Chinese sentence: the subject a later clause leaves out.
    private static func firstChineseClause(_ sentence: String) -> String {
        String(sentence.prefix { !"，。！？；：、“”「」".contains($0) })
    }

    private static let passive = try! NSRegularExpression(pattern: "\\b(?:was|were|had been|has been|is being|was being|got)\\s+(?:[a-z]+ly\\s+)?$")
    private static let personName = try! NSRegularExpression(pattern: "\\b(?:(?:\(StateChangePatterns.titles)) )?[A-Z][a-z]+(?: [A-Z][a-z]+)?\\b")
    private static let pronoun = try! NSRegularExpression(pattern: "\\b(?:he|she|it|they)\\b", options: [.caseInsensitive])

    private func hit(_ regex: NSRegularExpression, _ s: String) -> Bool {
        regex.firstMatch(in: s, range: NSRange(location: 0, length: s.utf16.count)) != nil
    }
}
