import Foundation
import Messages
import Pipeline

/// The model-free content checks of one answer, as the dedup-filter records them in `meta` and
/// `lwdata audit` writes them: coherence contradictions (kind, entity and both sentences), task talk
/// (the flagged sentences, their kind and share), repetition
/// (Gopher-style measures), and the sentence count the shares are taken over. Every finding
/// carries evidence a person can read.
public struct ContentChecks: Sendable {
    public let taskTalk = TaskTalkDetector()
    public let coherence = CoherenceChecker()

    public init() {}

    /// The checks of `response` (the answer to `instruction`). With `embedder` (the built-in
    /// sentence encoder) task talk is found by the rules and the classifier, else by the rules;
    /// `task_talk.method` says which.
    public func check(instruction: String, response: String, embedder: (any TextEmbedder)? = nil) -> [String: JSONValue] {
        let units = TextUnits(response)
        let stats = RepetitionStatistics(text: response, units: units, topSizes: [2, 3, 4], duplicateSizes: [5, 10])
        let round = { (x: Double) in JSONValue.double((x * 10_000).rounded() / 10_000) }
        let repetition: [String: JSONValue] = [
            "duplicate_line_fraction": round(stats.duplicateLineFraction),
            "duplicate_paragraph_fraction": round(stats.duplicateParagraphFraction),
            "top_2gram_fraction": round(stats.topNGramFraction[2] ?? 0),
            "top_4gram_fraction": round(stats.topNGramFraction[4] ?? 0),
            "duplicate_5gram_fraction": round(stats.duplicateNGramFraction[5] ?? 0),
            "duplicate_10gram_fraction": round(stats.duplicateNGramFraction[10] ?? 0),
        ]
        let talk = taskTalk.share(of: response, embedder: embedder)
        let taskTalk: [String: JSONValue] = [
            "share": round(talk.share),
            "method": .string(talk.usedEncoder ? "rules+encoder" : "rules"),
            "sentences": .array(talk.hits.map {
                ["text": .string($0.sentence), "kind": .string($0.kind.rawValue), "by": .string($0.byEncoder ? "encoder" : "rules")]
            }),
        ]
        return ["sentences": .int(talk.sentences), "repetition": .object(repetition), "task_talk": .object(taskTalk),
                "coherence": .array(coherence.check(response).map(Self.json))]
    }

    /// A coherence flag as the records and the audit keep it.
    static func json(_ flag: CoherenceFlag) -> JSONValue {
        ["kind": .string(flag.kind.rawValue), "entity": .string(flag.entity), "evidence": .array(flag.evidence.map(JSONValue.string))]
    }
}
