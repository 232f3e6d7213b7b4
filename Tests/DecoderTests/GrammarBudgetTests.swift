import Foundation
import Testing
@testable import Decoder

/// Schema answers under a token budget, on the default model: whenever `maxTokens` leaves room
/// for the shortest answer the schema allows, the answer parses.
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

    static let planRequest = [ChatMessage(role: "user", content: """
        Plan a 4,000-word travel guide to Kyoto as JSON: a list of paragraphs, each with its main point and its word count.
        """)]

    @Test("a plan decoded under a budget with room for the shortest plan parses")
    func planWithinBudget() throws {
        let model = try #require(Self.model, "default model missing")
        for (temperature, seed) in [(Float(0), UInt64(0)), (1, 1), (1, 2), (1, 3)] {
            let p = SamplingParameters(temperature: temperature, seed: seed, maxTokens: 120, responseFormat: .jsonSchema(Self.planSchema))
            let result = try model.generate(Self.planRequest, parameters: p)
            let parsed = try? JSONSerialization.jsonObject(with: Data(result.text.utf8))
            #expect(parsed != nil, "temperature \(temperature) seed \(seed), \(result.stopReason): \(result.text)")
        }
    }
}
