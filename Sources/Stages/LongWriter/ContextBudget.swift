/// Fits "the text so far" into a prompt: when instruction, plan, text and the step's answer
/// would not fit the model's context, keep the beginning and the most recent text, and list the
/// points already covered in between. Never overflows silently: if even that cannot fit, it says so.
struct ContextBudget {
    let contextTokens: Int
    let countTokens: (String) -> Int

    enum Failure: Error, CustomStringConvertible {
        case tooLong(needed: Int, context: Int)
        var description: String {
            switch self {
            case let .tooLong(needed, context): return "prompt needs \(needed) tokens even with the text so far cut, context is \(context)"
            }
        }
    }

    /// The text-so-far to put in the prompt. `fixedTokens` is everything else in the prompt.
    func fit(paragraphs: [String], coveredPoints: [String], fixedTokens: Int, answerTokens: Int) throws -> (text: String, cut: Bool) {
        let full = paragraphs.joined(separator: "\n\n")
        let available = contextTokens - fixedTokens - answerTokens - 16
        if countTokens(full) <= available { return (full, false) }
        let summary = "[…]\n(Points already covered in the omitted part: " + coveredPoints.joined(separator: "; ") + ")\n[…]"
        var head = paragraphs.first ?? ""
        var budget = available - countTokens(summary)
        if countTokens(head) > budget / 3 { head = String(head.prefix(max(0, budget / 3) * 3)) }
        budget -= countTokens(head)
        var tail: [String] = []
        for paragraph in paragraphs.dropFirst().reversed() {
            let cost = countTokens(paragraph)
            if cost > budget { break }
            tail.insert(paragraph, at: 0)
            budget -= cost
        }
        let text = ([head, summary] + tail).joined(separator: "\n\n")
        let needed = fixedTokens + answerTokens + countTokens(text)
        if needed > contextTokens { throw Failure.tooLong(needed: needed, context: contextTokens) }
        return (text, true)
    }
}
