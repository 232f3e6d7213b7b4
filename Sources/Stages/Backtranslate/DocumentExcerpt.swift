/// A document as shown in a prompt: whole when it fits the token budget, else its beginning
/// (two thirds of the budget) and its end (one third) with `[…]` between, cut at paragraphs.
struct DocumentExcerpt: Equatable {
    var text: String
    /// Words of the document the excerpt shows.
    var shownWords: Int
    var isCut: Bool

    static let gap = "[…]"

    init(_ document: String, budgetTokens: Int, countTokens: (String) -> Int) {
        if countTokens(document) <= budgetTokens {
            self.init(text: document, shownWords: LengthCounter.count(document), isCut: false)
            return
        }
        let paragraphs = TextSegments.paragraphs(document)
        var headBudget = budgetTokens * 2 / 3
        var head: [String] = []
        for paragraph in paragraphs {
            let cost = countTokens(paragraph) + 2
            if cost > headBudget {
                // A paragraph too long for what is left: keep its first sentences that fit.
                if head.isEmpty {
                    var kept: [String] = []
                    for sentence in TextSegments.sentences(paragraph) {
                        let c = countTokens(sentence) + 1
                        if c > headBudget { break }
                        kept.append(sentence)
                        headBudget -= c
                    }
                    if !kept.isEmpty { head.append(TextSegments.joinSentences(kept)) }
                }
                break
            }
            head.append(paragraph)
            headBudget -= cost
        }
        var tailBudget = budgetTokens - budgetTokens * 2 / 3
        var tail: [String] = []
        for paragraph in paragraphs.dropFirst(head.count).reversed() {
            let cost = countTokens(paragraph) + 2
            if cost > tailBudget { break }
            tail.insert(paragraph, at: 0)
            tailBudget -= cost
        }
        let shown = head + tail
        self.init(text: (head + [Self.gap] + tail).joined(separator: "\n\n"),
                  shownWords: shown.reduce(0) { $0 + LengthCounter.count($1) }, isCut: true)
    }

    init(text: String, shownWords: Int, isCut: Bool) {
        self.text = text
        self.shownWords = shownWords
        self.isCut = isCut
    }
}
