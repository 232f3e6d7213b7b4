import Foundation
import Messages
import Testing
@testable import Decoder

/// Schema answers under a token budget, on the default model: whenever `maxTokens` leaves room
/// for the shortest answer the schema allows, the answer parses and satisfies the schema, at
/// every budget from that minimum up; below it, the request fails up front with a clear error.
@Suite("Grammar: answers within the token budget", .serialized)
struct GrammarBudgetTests {
    static let model: LanguageModel? = try? LanguageModel(path: ModelLocator.existingModelPath(), cachedSequences: 0)

    /// The plan schema as `lwdata serve` received it when the first main point ran to the budget.
    static let planSchema = """
        {"type":"object","properties":{"paragraphs":{"type":"array","minItems":2,"maxItems":50,"items":{"type":"object",\
        "properties":{"main_point":{"type":"string","minLength":1,"maxLength":300},\
        "word_count":{"type":"integer","minimum":200,"maximum":1000}},"required":["main_point","word_count"]}}},\
        "required":["paragraphs"]}
        """

    static let judgeDimensions = ["relevance", "accuracy", "coherence", "clarity", "breadth_and_depth", "reading_experience"]

    /// A judge's answer: a free analysis first, then six scores from 1 to 5.
    static let judgeSchema: String = {
        let scores = judgeDimensions.map { #""\#($0)":{"type":"integer","minimum":1,"maximum":5}"# }
        let required = (["analysis"] + judgeDimensions).map { "\"\($0)\"" }
        return #"{"type":"object","properties":{"analysis":{"type":"string","maxLength":600},"#
            + scores.joined(separator: ",") + #"},"required":["# + required.joined(separator: ",") + "]}"
    }()

    static let planRequest = [ChatMessage(role: "user", content: """
        Plan a 4,000-word travel guide to Kyoto as JSON: a list of paragraphs, each with its main point and its word count.
        """)]

    static let judgeRequest = [ChatMessage(role: "user", content: """
        Judge this answer to "Describe the water cycle." on relevance, accuracy, coherence, clarity, breadth and depth, \
        and reading experience, each from 1 to 5, after a short analysis.
        Answer: Water evaporates from the sea, rises, cools into clouds and falls again as rain or snow.
        """)]

    /// Checks that `text` is a plan the schema allows.
    static func checkPlan(_ text: String, _ label: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let paragraphs = object["paragraphs"] as? [[String: Any]] else {
            Issue.record("\(label): not a plan: \(text)")
            return
        }
        #expect((2 ... 50).contains(paragraphs.count), "\(label): \(paragraphs.count) paragraphs")
        for paragraph in paragraphs {
            let point = paragraph["main_point"] as? String ?? ""
            let words = paragraph["word_count"] as? Int ?? 0
            #expect((1 ... 300).contains(point.count) && (200 ... 1000).contains(words) && paragraph.count == 2,
                    "\(label): bad paragraph \(paragraph)")
        }
    }

    /// Checks that `text` is a judge's answer the schema allows, scores in schema order.
    static func checkJudgement(_ text: String, _ label: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let analysis = object["analysis"] as? String else {
            Issue.record("\(label): not a judgement: \(text)")
            return
        }
        #expect(analysis.count <= 600, "\(label): analysis of \(analysis.count) characters")
        for dimension in judgeDimensions {
            let score = object[dimension] as? Int ?? 0
            #expect((1 ... 5).contains(score), "\(label): \(dimension) = \(String(describing: object[dimension]))")
        }
        let order = judgeDimensions.compactMap { text.range(of: "\"\($0)\"")?.lowerBound }
        #expect(order.count == judgeDimensions.count && order == order.sorted(), "\(label): scores out of order: \(text)")
    }

    /// Decodes `messages` under `schema` with budgets from the schema's minimum up, greedily and
    /// at temperature 1 with several seeds (`greedyBudgets`: greedily only), all in one batch;
    /// checks every answer.
    static func ladder(schema: String, messages: [ChatMessage], extraBudgets: [Int], greedyBudgets: [Int] = [],
                       check: (String, String) -> Void) throws -> Int {
        let model = try #require(Self.model, "default model missing")
        let format = ResponseFormat.jsonSchema(schema)
        let grammar = try #require(try model.grammar(for: format))
        let minimum = try #require(try grammar.tokensToComplete(grammar.initialState))
        let budgets = [minimum, minimum + 1, minimum + 5, minimum + 20] + extraBudgets
        var jobs: [BatchEngineTests.Job] = []
        for budget in budgets {
            for (temperature, seed) in [(Float(0), UInt64(0)), (1, 1), (1, 2), (1, 3)] {
                jobs.append(.init(messages: messages, parameters: SamplingParameters(temperature: temperature, seed: seed,
                                                                                     maxTokens: budget, responseFormat: format)))
            }
        }
        for budget in greedyBudgets {
            jobs.append(.init(messages: messages, parameters: SamplingParameters(maxTokens: budget, responseFormat: format)))
        }
        let engine = BatchEngine(model: model, settings: .init(maxSequences: 8))
        for (job, outcome) in zip(jobs, BatchEngineTests.runTogether(engine, jobs)) {
            let p = job.parameters
            let label = "max_tokens \(p.maxTokens) (minimum \(minimum)), temperature \(p.temperature), seed \(p.seed)"
            let result = try outcome.get()
            #expect(result.stopReason == .stop && result.completionTokens <= p.maxTokens, "\(label): \(result.stopReason)")
            check(result.text, label)
        }
        return minimum
    }

    @Test("plans parse and satisfy the schema at every budget from the minimum up")
    func plansAtEveryBudget() throws {
        // Greedy at 700 is the request whose first main point used to run "1, 2, 3, …" to the budget.
        let minimum = try Self.ladder(schema: Self.planSchema, messages: Self.planRequest, extraBudgets: [200],
                                      greedyBudgets: [700], check: Self.checkPlan)
        // Two paragraphs of one-character main points and 200 words, in tokens of the default vocabulary.
        #expect((20 ... 60).contains(minimum), "shortest plan: \(minimum) tokens")
    }

    @Test("judgements parse with scores in order at every budget from the minimum up")
    func judgementsAtEveryBudget() throws {
        let minimum = try Self.ladder(schema: Self.judgeSchema, messages: Self.judgeRequest, extraBudgets: [200],
                                      check: Self.checkJudgement)
        #expect((20 ... 80).contains(minimum), "shortest judgement: \(minimum) tokens")
    }

    @Test("a budget below the shortest answer fails up front, naming both numbers")
    func budgetBelowMinimum() throws {
        let model = try #require(Self.model, "default model missing")
        for schema in [Self.planSchema, Self.judgeSchema] {
            let format = ResponseFormat.jsonSchema(schema)
            let grammar = try #require(try model.grammar(for: format))
            let minimum = try #require(try grammar.tokensToComplete(grammar.initialState))
            let p = SamplingParameters(maxTokens: minimum - 1, responseFormat: format)
            #expect(throws: GenerationFailure.budgetBelowShortestAnswer(maxTokens: minimum - 1, available: minimum - 1,
                                                                        shortest: minimum)) {
                try model.generate(Self.planRequest, parameters: p)
            }
            let message = GenerationFailure.budgetBelowShortestAnswer(maxTokens: minimum - 1, available: minimum - 1,
                                                                      shortest: minimum).description
            #expect(message == "max_tokens \(minimum - 1) is below the shortest answer the response format allows (\(minimum) tokens)")
        }
    }
}
