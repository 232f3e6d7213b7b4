import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Logging
import TestSupport
import Testing
@testable import Pipeline
@testable import Stages

/// `dedup-filter`'s `min_relevance`, and the `write` stage's relevance settings: how they are read,
/// what they put into the config hash, and what happens without the encoder.
@Suite struct RelevanceRuleTests {
    static let context = StageContext(runID: "t", pipeline: try! PipelineConfig(document: ConfigDocument(file: "t.yaml", text: "name: t\ninputs: [a.txt]\nstages:\n  - name: mine\n")),
                                      logger: Logger(label: "test"), cancellation: Cancellation())

    /// A written record whose sections scored `scores` (nil: written without relevance).
    func record(_ id: String, scores: [Double]?) -> Record {
        let steps: [JSONValue] = (scores ?? [0, 0]).map { score in
            var step: [String: JSONValue] = ["words": 40]
            if scores != nil { step["relevance"] = ["score": .double(score), "instruction": .double(score), "plan": .double(score)] }
            return .object(step)
        }
        return Record(id: id, fields: ["query": .string("Describe how tides form, query \(id)"),
                                       "response": .string("Tides rise and fall twice a day in record \(id), pulled by the moon."),
                                       "write_meta": ["steps": .array(steps)]])
    }

    @Test func minRelevanceRejectsLowMeanWithItsReasonAndSkipsUnscoredRecords() async throws {
        var settings = DedupFilterSettings()
        settings.quality.disabled = Set(settings.quality.ruleNames)
        settings.nearDedupFields = []
        settings.minRelevance = 0.3
        let stage = DedupFilterStage(name: "dedup-filter", settings: settings)
        try await stage.collect(record("a1", scores: [0.5, 0.4, 0.1]), cacheKey: "a", context: Self.context)
        try await stage.collect(record("b2", scores: [0.2, 0.35, 0.1]), cacheKey: "b", context: Self.context)
        try await stage.collect(record("c3", scores: nil), cacheKey: "c", context: Self.context)
        let outcomes = try await stage.finish(context: Self.context)
        #expect(outcomes.count == 3)
        guard case .records = outcomes[0].outcome else { Issue.record("a1 (mean 0.333) should be kept"); return }
        guard case .rejected(let id, let rejection) = outcomes[1].outcome else { Issue.record("b2 (mean 0.217) should be dropped"); return }
        #expect(id == "b2" && rejection.reason == "low_relevance")
        #expect(rejection.extra["value"]?.double == 0.2167 && rejection.extra["threshold"]?.double == 0.3)
        #expect(rejection.detail.contains("mean section relevance 0.217 below 0.300") && rejection.detail.contains("2 of 3 sections"), "\(rejection.detail)")
        guard case .records = outcomes[2].outcome else { Issue.record("a record without scores is not checked"); return }
        let counts = stage.filterCounts.rules["low_relevance"]
        #expect(counts?.checked == 2 && counts?.dropped == 1)
    }

    func writeSettings(_ params: String) throws -> WriteSettings {
        let text = "name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n  - name: write\n    params: {\(params)}\n"
        let config = try PipelineConfig(document: ConfigDocument(file: Repository.path("pipelines/x.yaml"), text: text))
        return try WriteSettings(config.stages[1].params.restricted(to: WriteSettings.keys), pipeline: config)
    }

    func writeHash(_ params: String, encoder: String? = "minilm:1") throws -> String {
        try PipelineStage.configHash(of: WriteStage.self, writeSettings(params), encoder: encoder)
    }

    @Test func relevanceSettingsReadTheirValuesAndRefuseBadOnes() throws {
        #expect(try writeSettings("").relevance == WriteRelevanceSettings() && WriteRelevanceSettings().mode == .off)
        #expect(try writeSettings("relevance: auto").relevance.mode == .auto)
        #expect(try writeSettings("relevance: off").relevance.mode == .off)
        #expect(try writeSettings("relevance: on, best_of: 5, min_section_relevance: 0.2").relevance
                == { var s = WriteRelevanceSettings(); s.mode = .on; s.bestOf = 5; s.minSection = 0.2; return s }())
        #expect(try writeSettings("relevance: 'off'").relevance.mode == .off)
        for (bad, message) in [("relevance: sometimes", "expected auto, on or off"), ("best_of: 0", "out of range"),
                               ("min_section_relevance: 2", "out of range")] {
            do {
                _ = try writeSettings(bad)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect("\(error)".contains("pipelines/x.yaml:6") && "\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test func theHashFollowsTheThresholdNAndTheEncoderOnlyWhileScoring() throws {
        let base = try writeHash("relevance: auto")
        #expect(try writeHash("relevance: auto, best_of: 5") != base)
        #expect(try writeHash("relevance: auto, min_section_relevance: 0.2") != base)
        #expect(try writeHash("relevance: auto", encoder: "another:2") != base)
        #expect(try writeHash("relevance: auto", encoder: nil) != base, "auto without an encoder is another output")
        #expect(try writeHash("relevance: on") != base)
        let off = try writeHash("relevance: off")
        let byDefault = try writeHash("")
        #expect(off != base && off == byDefault, "off by default")
        #expect(try writeHash("relevance: off, best_of: 5, min_section_relevance: 0.2", encoder: "another:2") == off,
                "off, neither N, the threshold nor the encoder shapes the output")
    }

    @Test func withRelevanceOffAndNoPartsTheSettingsEncodeAsBefore() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func keys(_ params: String) throws -> [String] {
            let json = try JSONSerialization.jsonObject(with: try encoder.encode(try writeSettings(params))) as? [String: Any]
            return (json ?? [:]).keys.sorted()
        }
        let before = ["contextTokens", "prompt", "retries", "sampling", "tokensPerCJKCharacter", "tokensPerWord"]
        #expect(try keys("context_tokens: 3072") == before)
        #expect(try keys("context_tokens: 3072, relevance: off, best_of: 5") == before)
        #expect(try keys("context_tokens: 3072, relevance: auto") == (before + ["relevance"]).sorted())
    }

    @Test func onWithoutTheEncoderIsAnErrorAndAutoWritesUnscored() throws {
        let availability = RelevanceAvailability()
        var on = WriteRelevanceSettings()
        on.mode = .on
        do {
            _ = try availability.scorer(on, instruction: "x", stage: "write", context: Self.context)
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("stage write") && "\(error)".contains("LWDATA_ENCODER"), "\(error)")
        }
        var auto = WriteRelevanceSettings()
        auto.mode = .auto
        #expect(try availability.scorer(auto, instruction: "x", stage: "write", context: Self.context) == nil)
        var off = WriteRelevanceSettings()
        off.mode = .off
        #expect(try availability.scorer(off, instruction: "x", stage: "write", context: Self.context) == nil)
    }

    @Test func theReportDrawsRelevanceAlongTheOutputWhenRecordsCarryIt() throws {
        var report = DatasetReport()
        #expect(!ReportCharts.all(report).contains { $0.name == "section-relevance" }, "no chart without scored records")
        for (instruction, plan) in [([0.5, 0.4, 0.1], [0.6, 0.5, 0.2]), ([0.3, 0.2], [0.4, 0.3])] {
            let sections: [JSONValue] = zip(instruction, plan).map { ["score": .double(($0 + $1) / 2), "instruction": .double($0), "plan": .double($1)] }
            report.relevance.add(Record(id: "x", fields: ["meta": ["section_relevance": .array(sections)]]))
        }
        report.relevance.add(Record(id: "unscored", fields: ["meta": ["produced_words": 10]]))
        #expect(report.relevance.records == 2 && report.relevance.positions.map(\.sections) == [2, 2, 1])
        #expect(abs((report.relevance.meanInstruction ?? 0) - 1.5 / 5) < 1e-12)
        let position = try #require(report.relevance.json["by_position"]?.array?.first)
        #expect(position["mean_instruction"]?.double == 0.4 && position["mean_plan"]?.double == 0.5)
        #expect(report.relevance.json["by_position"]?.array?[2]["below_off_topic"]?.int == 1)
        let chart = try #require(ReportCharts.all(report).first { $0.name == "section-relevance" })
        let xml = try XMLDocument(xmlString: chart.svg)
        // Three positions on two lines, and the two legend marks.
        #expect(try xml.nodes(forXPath: "//*[local-name()='circle' and @class='mark']").count == 3 * 2 + 2)
        #expect(chart.svg.contains("section 1, to the instruction: 0.400 over 2 records"))
        let html = ReportPage.html(report, charts: ReportCharts.all(report), directory: "/o", generated: Date())
        #expect(html.contains("0.300 to the instruction, 2 records") && html.contains("id=\"section-relevance\""))
    }
}

extension PipelineStage {
    /// The config hash of a stage type with these settings, the encoder named `encoder`.
    static func configHash<S: Stage>(of type: S.Type, _ settings: S.Settings, encoder: String?) throws -> String {
        try S.configHash(settings, modelIdentity: "m", encoderIdentity: encoder, selector: nil)
    }
}
