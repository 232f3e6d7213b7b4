import Foundation
import TestSupport
import Store
import Testing

/// The LongWriter recipe end to end on the real default model (small lengths so it runs in
/// about a minute): records validate, a re-run makes no model call, and a changed plan prompt
/// re-runs plan, write and what follows, and nothing before.
@Suite(.serialized) struct LongWriterEndToEndTests {
    func writePipeline(in folder: TempFolder, planPrompt: String) throws -> String {
        let queries = [
            #"{"prompt": "Write a 500-word guide to brewing green tea at home."}"#,
            #"{"prompt": "Write a 400-word story about a lighthouse keeper and a storm."}"#,
            #"{"prompt": "Summarize photosynthesis in 50 words."}"#,
        ]
        try queries.joined(separator: "\n").write(toFile: folder.file("queries.jsonl"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder.file("prompts"), withIntermediateDirectories: true)
        for file in ["predict_length_step1.txt", "predict_length_step2.txt", "write.txt", "judge.txt"] {
            try FileManager.default.copyItem(atPath: Repository.path("pipelines/prompts/" + file), toPath: folder.file("prompts/" + file))
        }
        try planPrompt.write(toFile: folder.file("prompts/plan_json.txt"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("lw.yaml")
        try """
            name: lw-e2e
            inputs: [queries.jsonl]
            model:
              backend: builtin
            stages:
              - name: mine
              - name: predict-length
                params: {min_words: 300}
              - name: plan
              - name: write
              - name: judge
                params: {segment_words: 150}
              - name: export
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        return pipeline
    }

    func stageLine(_ stdout: String, _ stage: String) -> String {
        stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(stage + " ") }.map(String.init) ?? ""
    }

    @Test func buildsValidRecordsAndReusesFinishedWork() throws {
        let folder = TempFolder("lw-e2e")
        let planPrompt = try String(contentsOfFile: Repository.path("pipelines/prompts/plan_json.txt"), encoding: .utf8)
        let pipeline = try writePipeline(in: folder, planPrompt: planPrompt)
        let out = folder.file("out")

        let first = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(first.status == 0, "\(first.stderr)")
        let manifest = try Manifest(directory: out)
        let dataset = try manifest.shards(stage: "export").map { manifest.absolutePath($0.path) }
        #expect(dataset.allSatisfy { $0.contains("/dataset/export/") })
        let records = try registeredLines(out, .data).filter { $0.contains("\"messages\"") }
        #expect(records.count == 2, "the two long asks are written; the 50-word ask is dropped")
        #expect(try runTool("python3", [Repository.path("scripts/validate_records.py"), Repository.path("schemas/sft-record.schema.json")] + dataset).status == 0)
        for line in records {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let meta = record["meta"] as! [String: Any]
            let response = ((record["messages"] as! [[String: String]])[1])["content"]!
            #expect(!response.contains("Main Point") && !response.contains("Word Count"))
            #expect((meta["produced_words"] as! Int) > 100)
            #expect((meta["plan"] as! [Any]).count >= 1)
            // The judge's answers parse under the schema: every segment of the answer has six scores.
            let quality = try #require(meta["quality"] as? [String: Any], "meta.quality")
            let segments = try #require(quality["segments"] as? [[String: Any]])
            #expect(segments.count >= 2, "answers of 300+ words are judged in segments of ~150 words")
            #expect(quality["unjudged_segments"] == nil)
            for segment in segments {
                for dimension in ["relevance", "accuracy", "coherence", "clarity", "breadth_and_depth", "reading_experience"] {
                    #expect((1...5).contains(segment[dimension] as? Int ?? 0), "\(dimension) in \(segment)")
                }
                #expect(!(segment["analysis"] as? String ?? "").isEmpty)
            }
            let sq = try #require(quality["s_q"] as? Double)
            #expect((0...100).contains(sq))
            #expect((segments.map { $0["words"] as! Int }.reduce(0, +)) == meta["produced_words"] as! Int)
        }
        let rejects = try LWDataBinary.run(["status", "--out", out])
        #expect(rejects.stdout.contains("predict-length: below_min_words: 1"))

        // Nothing changed: every item is reused and no model is called.
        let again = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(again.status == 0)
        #expect(again.stdout.contains("model: 0 calls") || !again.stdout.contains("model:"), "\(again.stdout)")
        for stage in ["mine", "predict-length", "plan", "write", "judge", "export"] {
            #expect(stageLine(again.stdout, stage).contains("computed 0,"), "\(stage): \(again.stdout)")
        }

        // A changed plan prompt re-runs plan, write and export; mine and predict-length are reused.
        try (planPrompt + "\nKeep every main point concrete.\n").write(toFile: folder.file("prompts/plan_json.txt"), atomically: true, encoding: .utf8)
        let changed = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(stageLine(changed.stdout, "mine").contains("computed 0,"))
        #expect(stageLine(changed.stdout, "predict-length").contains("computed 0,"))
        for stage in ["plan", "write", "judge", "export"] {
            #expect(stageLine(changed.stdout, stage).contains("computed 2,"), "\(stage): \(changed.stdout)")
        }
        // The dataset holds the new version of each record, not both.
        let after = try registeredLines(out, .data).filter { $0.contains("\"messages\"") }
        #expect(after.count == 2)
        #expect(Set(after.map { try! (JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! String }).count == 2)
        #expect(try LWDataBinary.run(["verify", "--out", out]).status == 0)
    }
}
