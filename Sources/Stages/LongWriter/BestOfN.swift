import Generation
import Messages
import Pipeline

/// Best-of-N rewriting of one written section that drifted off its topic: the first draft's
/// relevance is below the threshold, so N − 1 more candidates are asked for at once (the built-in
/// engine decodes concurrent requests in one batch; an OpenAI-compatible server gets N − 1
/// requests together), each is cleaned like the draft, and the candidate with the highest
/// relevance score among those that pass the cleaners is kept.
struct BestOfN {
    /// One candidate of a step: its cleaned text and what the scorer made of it.
    struct Candidate: Sendable {
        var cleaned: StepCleaner.Result
        /// Whether the cleaned text passed the stage's checks (long enough, not a loop).
        var passed: Bool
        var relevance: SectionRelevance

        var json: JSONValue {
            var fields = relevance.json.object ?? [:]
            fields["words"] = .int(LengthCounter.count(cleaned.text))
            fields["passed"] = .bool(passed)
            return .object(fields)
        }
    }

    /// The kept candidate, every candidate's scores in order (the draft first), and the model
    /// answers the rewrites took (for the stage's token accounting).
    struct Outcome: Sendable {
        var kept: Candidate
        var candidates: [Candidate]
        var keptIndex: Int
        var outputs: [GenerationOutput]
    }

    let caller: ModelCaller
    let scorer: RelevanceScorer
    let settings: WriteRelevanceSettings

    /// Scores the draft; when it is below the threshold and N > 1, asks for N − 1 rewrites with
    /// `parameters(k)` (k = 1 … N − 1), cleans them with `clean`, checks them with `passes`, and keeps
    /// the best passing candidate (the draft passed already; ties keep the earlier candidate).
    func choose(draft: StepCleaner.Result, point: String, messages: [ChatMessage],
                parameters: @Sendable (Int) -> GenerationParameters,
                clean: (String) -> StepCleaner.Result, passes: (StepCleaner.Result) -> Bool) async throws -> Outcome {
        let first = Candidate(cleaned: draft, passed: true, relevance: scorer.score([draft.text], point: point)[0])
        guard first.relevance.score < settings.minSection, settings.bestOf > 1 else {
            return Outcome(kept: first, candidates: [first], keptIndex: 0, outputs: [])
        }
        let outputs = try await withThrowingTaskGroup(of: (Int, GenerationOutput).self) { group in
            for k in 1 ..< settings.bestOf {
                let request = parameters(k)
                group.addTask { (k, try await caller.generate(messages, request)) }
            }
            var answers: [(Int, GenerationOutput)] = []
            for try await answer in group { answers.append(answer) }
            return answers.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let cleaned = outputs.map { clean($0.text) }
        let scores = scorer.score(cleaned.map(\.text), point: point)
        let candidates = [first] + zip(cleaned, scores).map { Candidate(cleaned: $0, passed: passes($0), relevance: $1) }
        var best = 0
        for (index, candidate) in candidates.enumerated() where candidate.passed && candidate.relevance.score > candidates[best].relevance.score {
            best = index
        }
        return Outcome(kept: candidates[best], candidates: candidates, keptIndex: best, outputs: outputs)
    }
}
