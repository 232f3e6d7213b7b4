import Foundation
import Testing
import TestSupport
@testable import Pipeline
@testable import Stages

/// The dedup-filter's coherence rule and the content checks a kept record carries: a planted
/// contradiction of the coherence corpus fails `coherence_contradiction` with both sentences as
/// evidence; a control full of deaths passes, and its content checks hold no coherence flag.
@Suite struct CoherenceRuleTests {
    static func corpus() throws -> [[String: Any]] {
        try String(contentsOfFile: Repository.path("Tests/Fixtures/coherence/corpus.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func aPlantedContradictionFailsTheRuleWithItsEvidence() throws {
        let documents = try Self.corpus().filter { $0["lang"] as? String == "en" && $0["split"] as? String == "dev" }
        let planted = try #require(documents.first { $0["planted"] is [String: Any] })
        let control = try #require(documents.first { !($0["planted"] is [String: Any]) })
        var settings = QualitySettings()
        settings.disabled = Set(settings.ruleNames).subtracting(["coherence_contradiction"])
        let checker = QualityChecker(settings: settings)

        let failure = try #require(checker.check(instruction: "Write a story.", response: planted["text"] as! String, requiredWords: nil).failure)
        #expect(failure.rule == "coherence_contradiction")
        let contradiction = (planted["planted"] as! [String: Any])["contradiction_sentence"] as! String
        let evidence = failure.extra["evidence"]?.array?.flatMap { $0["evidence"]?.array ?? [] }.compactMap(\.string) ?? []
        #expect(evidence.contains { $0.contains(contradiction) || contradiction.contains($0) }, "\(evidence)")

        #expect(checker.check(instruction: "Write a story.", response: control["text"] as! String, requiredWords: nil).failure == nil)
        let checks = ContentChecks().check(instruction: "Write a story.", response: control["text"] as! String)
        #expect(checks["coherence"]?.array?.isEmpty == true)
        #expect(ContentChecks().check(instruction: "", response: planted["text"] as! String)["coherence"]?.array?.isEmpty == false)
    }
}
