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

    /// Every terminal state, the first per entity (a revival lets the entity take a new state).
    func states() -> [State] {
        var found: [(location: Int, state: State)] = []
        let whole = NSRange(location: 0, length: text.ns.length)
        for pattern in StateChangePatterns.all {
            for match in pattern.regex.matches(in: text.string, range: whole) {
                guard let sentence = text.sentenceIndex(at: match.range.location) else { continue }
                let subjectRange = match.range(at: 1)
                guard subjectRange.location != NSNotFound else { continue }
                let raw = text.ns.substring(with: subjectRange)
                let s = text.sentences[sentence]
                let prefix = Self.lastClause(text.ns.substring(with: NSRange(location: s.range.location, length: match.range.location - s.range.location)))
                let body = text.ns.substring(with: match.range)
                if text.quoted[match.range.location] { continue }
                let entity: TrackedEntity?
                if pattern.chinese {
                    let verb = String(body.dropFirst(raw.count))
                    if hit(StateChangePatterns.chineseHedge, Self.lastChineseClause(prefix) + raw) { continue }
                    entity = TrackedEntity.chinese(clause: raw.isEmpty ? Self.firstChineseClause(s.text) : raw, verb: verb)
                } else {
                    let afterSubject = String(body.dropFirst(raw.count))
                    if hit(StateChangePatterns.hedge, prefix) || hit(StateChangePatterns.hedge, afterSubject.replacingOccurrences(of: "could no longer", with: "").replacingOccurrences(of: "can no longer", with: "").replacingOccurrences(of: "would never", with: "").replacingOccurrences(of: "could never", with: "").replacingOccurrences(of: "never spoke", with: "").replacingOccurrences(of: "never sang", with: "").replacingOccurrences(of: "never answered", with: "").replacingOccurrences(of: "never to", with: "").replacingOccurrences(of: "never came", with: "").replacingOccurrences(of: "never returned", with: "").replacingOccurrences(of: "never seen", with: "").replacingOccurrences(of: "never again", with: "")) { continue }
                    if ["He", "She", "he", "she"].contains(raw) {
                        entity = resolvePronoun(sentence: sentence, before: match.range.location)
                    } else {
                        entity = TrackedEntity.english(raw)
                    }
                }
                if let entity { found.append((match.range.location, State(entity: entity, kind: pattern.kind, sentence: sentence))) }
            }
        }
        found.sort { $0.location < $1.location }
        var seen: [String: Int] = [:]
        var result: [State] = []
        for (_, state) in found {
            if let until = seen[state.entity.identity], until > state.sentence { continue }
            let end = revival(of: state.entity, after: state.sentence) ?? text.sentences.count
            seen[state.entity.identity] = end
            result.append(state)
        }
        return result
    }

    /// The first later sentence that contradicts `state`, if any.
    func contradiction(of state: State) -> Int? {
        let start = text.sentences[state.sentence].range
        let from = start.location + start.length
        let end = revival(of: state.entity, after: state.sentence).map { text.sentences[$0].range.location } ?? text.ns.length
        guard end > from else { return nil }
        for match in state.entity.mention.matches(in: text.string, range: NSRange(location: from, length: end - from)) {
            guard let index = text.sentenceIndex(at: match.range.location), index > state.sentence else { continue }
            if isContradiction(match, in: index, state: state) { return index }
        }
        return nil
    }

    private func isContradiction(_ match: NSTextCheckingResult, in index: Int, state: State) -> Bool {
        let sentence = text.sentences[index]
        if text.quoted[match.range.location] { return false }
        let before = text.ns.substring(with: NSRange(location: sentence.range.location, length: match.range.location - sentence.range.location))
        let afterStart = match.range.location + match.range.length
        let after = text.ns.substring(with: NSRange(location: afterStart, length: sentence.range.location + sentence.range.length - afterStart))
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
            let modifiers = text.ns.substring(with: match.range(at: 1)).split(separator: " ").map(String.init)
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
        var i = sentence + 1
        while i < text.sentences.count {
            let s = text.sentences[i].text
            if !hit(unreal, s) {
                if hit(cue, s), hit(entity.mention, s) || mentionsPronoun(s, chinese: entity.chinese) { return i }
                if !entity.chinese, repaired(entity, in: s) { return i }
            }
            i += 1
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
    private func resolvePronoun(sentence: Int, before location: Int) -> TrackedEntity? {
        let s = text.sentences[sentence]
        let own = text.ns.substring(with: NSRange(location: s.range.location, length: location - s.range.location))
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
