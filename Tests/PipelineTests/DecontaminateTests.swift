import Foundation
import Testing
import TestSupport
@testable import Pipeline
@testable import Stages
import Store

/// Decontamination against evaluation sets the user names: shared 13-word runs (25 characters for
/// CJK) drop a record with a reason naming the evaluation item; shorter overlaps, different
/// punctuation or case, and clean records behave as they should.
@Suite struct DecontaminateTests {
    static let evaluation = [
        #"{"id": "ev1", "prompt": "Write a detailed history of the lighthouse keepers of the northern coast and the storms that shaped their lives.", "answer": "ignored"}"#,
        #"{"id": "ev2", "prompt": "Explain how a small bakery can plan its first year of business, from choosing a location to hiring the first baker."}"#,
        #"{"id": "ev3", "prompt": "请详细介绍中国古代丝绸之路的形成过程以及它对东西方文化交流产生的深远影响，并举出具体的例子加以说明。"}"#,
    ]
    static let queries = [
        // 1: a 16-word run of ev2 inside a longer ask.
        "For my course, explain how a small bakery can plan its first year of business, from choosing a location and budget.",
        // 2: only 10 words shared with ev1.
        "Write a detailed history of the lighthouse keepers of the southern islands and their families.",
        // 3: ev1 with other case and punctuation.
        "WRITE a detailed history -- of the lighthouse keepers, of the northern coast; and the storms that shaped their lives!",
        // 4: 30 characters of ev3 in a Chinese ask.
        "我想写一篇文章：中国古代丝绸之路的形成过程以及它对东西方文化交流产生的深远影响，请帮我写。",
        // 5: clean.
        "Describe the life cycle of a monarch butterfly for a school project, in plain language.",
    ]

    func build(against: String = "eval.jsonl", extra: String = "") async throws -> (kept: [Record], rejects: [Record]) {
        let folder = TempFolder("decontaminate")
        try Self.evaluation.joined(separator: "\n").write(toFile: folder.file("eval.jsonl"), atomically: true, encoding: .utf8)
        try Self.queries.joined(separator: "\n").write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        let yaml = """
            name: t
            inputs: [queries.txt]
            stages:
              - name: mine
              - name: decontaminate
                params: {against: [\(against)], fields: [query]\(extra)}
            """
        let outcome = try await MineStageTests.build(yaml, in: folder)
        return (outcome.records.filter { $0["kind"]?.string == "query" }, outcome.rejects.filter { $0["stage"]?.string == "decontaminate" })
    }

    @Test func sharedRunsDropRecordsNamingTheEvaluationItem() async throws {
        let (_, rejects) = try await build()
        let rejected = Dictionary(uniqueKeysWithValues: rejects.map { ($0["query"]?.string ?? "", $0) })
        #expect(rejected[Self.queries[0]]?["evaluation_item"]?.string == "eval.jsonl:2 prompt")
        #expect(rejected[Self.queries[2]]?["evaluation_item"]?.string == "eval.jsonl:1 prompt", "case and punctuation do not hide a match")
        #expect(rejected[Self.queries[3]]?["evaluation_item"]?.string == "eval.jsonl:3 prompt", "CJK text is compared by characters")
        #expect(rejects.allSatisfy { $0["reason"]?.string == "contaminated" && ($0["detail"]?.string ?? "").contains("evaluation item eval.jsonl:") })
        #expect(Set(rejected.keys) == [Self.queries[0], Self.queries[2], Self.queries[3]], "a 10-word overlap and a clean ask are kept")
    }

    @Test func aLongerRunIsNeededWhenTheUserSaysSo() async throws {
        let (_, rejects) = try await build(extra: ", ngram: 17")
        #expect(!rejects.contains { $0["query"]?.string == Self.queries[0] }, "the 16-word run is below a 17-word threshold")
        #expect(rejects.contains { $0["query"]?.string == Self.queries[2] }, "the whole 19-word prompt still matches")
    }

    @Test func aMissingEvaluationSetIsAConfigurationErrorNamingIt() async throws {
        await #expect(throws: PipelineError.self) { _ = try await self.build(against: "missing.jsonl") }
        do { _ = try await build(against: "missing.jsonl") } catch { #expect("\(error)".contains("no evaluation set at") && "\(error)".contains("missing.jsonl")) }
    }
}
