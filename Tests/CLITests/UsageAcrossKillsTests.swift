import Foundation
import Store
import TestSupport
import Testing

/// Model usage is recorded per call as it happens: after a build is killed with SIGKILL and
/// resumed, `status` still counts the calls of the killed run whose results were kept.
@Suite struct UsageAcrossKillsTests {
    func calls(_ out: String, stage: String) throws -> Int {
        try Manifest(directory: out).usage().filter { $0.stage == stage }.reduce(0) { $0 + $1.calls }
    }

    @Test func callsOfAKilledRunAreCountedAfterTheResume() throws {
        let folder = TempFolder("usage-kill")
        let queries = (1...8).map { "Tell me about the history of topic number \($0) and why it matters today." }
        try queries.joined(separator: "\n").write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("p.yaml")
        try """
            name: usage
            inputs: [{path: queries.txt, format: text}]
            output: {shard_max_records: 1}
            stages:
              - name: mine
              - name: predict-length
                params: {min_words: 0, prompt_step1: \(Repository.path("pipelines/prompts/predict_length_step1.txt")), prompt_step2: \(Repository.path("pipelines/prompts/predict_length_step2.txt"))}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)

        let whole = folder.file("whole")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", whole]).status == 0)
        let wholeCalls = try calls(whole, stage: "predict-length")

        // Kill the build once some predict-length items are registered (each shard holds one item).
        let out = folder.file("killed")
        let build = try LWDataBinary.start(["build", pipeline, "--out", out, "--quiet"], stdout: Pipe(), stderr: Pipe())
        var done = 0
        let deadline = Date().addingTimeInterval(120)
        while build.isRunning && Date() < deadline {
            done = (try? Manifest(directory: out).itemCounts().first { $0.stage == "predict-length" }?.done) ?? 0
            if done >= 3 { break }
            usleep(20_000)
        }
        kill(build.processIdentifier, SIGKILL)
        build.waitUntilExit()
        try #require(done >= 3 && done < queries.count, "killed after \(done) of \(queries.count) items")
        let killedCalls = try calls(out, stage: "predict-length")
        #expect(killedCalls >= done, "each kept item's calls are in the manifest although the run never finished")

        #expect(try LWDataBinary.run(["build", pipeline, "--out", out]).status == 0)
        let total = try calls(out, stage: "predict-length")
        #expect(total >= wholeCalls, "the killed run's kept calls plus the resume's calls cover an uninterrupted build's (\(total) vs \(wholeCalls))")
        let status = try LWDataBinary.run(["status", "--out", out, "--json"])
        #expect(status.stdout.contains("\"calls\":\(total)") || status.stdout.contains("\"calls\": \(total)"), "\(status.stdout.suffix(400))")
    }

    @Test func pricesGiveAnEstimatedCostPerStage() throws {
        let folder = TempFolder("usage-cost")
        try "Tell me about rivers.\nExplain how tides work.\n".write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("p.yaml")
        try """
            name: cost
            inputs: [{path: queries.txt, format: text}]
            model: {backend: builtin, input_price_per_million: 2.5, output_price_per_million: 10}
            stages:
              - name: mine
              - name: predict-length
                params: {min_words: 0, prompt_step1: \(Repository.path("pipelines/prompts/predict_length_step1.txt")), prompt_step2: \(Repository.path("pipelines/prompts/predict_length_step2.txt"))}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let build = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(build.status == 0, "\(build.stderr)")
        let row = try #require(try Manifest(directory: out).usage().first { $0.stage == "predict-length" })
        let expected = (Double(row.tokensIn) * 2.5 + Double(row.tokensOut) * 10) / 1_000_000
        #expect(row.tokensIn > 0 && abs(row.cost - expected) < 1e-9, "cost \(row.cost) for \(row.tokensIn) in, \(row.tokensOut) out")
        #expect(build.stdout.contains("estimated cost"), "\(build.stdout)")
        #expect(try LWDataBinary.run(["status", "--out", out]).stdout.contains(String(format: "estimated cost %.4f", row.cost)))
    }
}
