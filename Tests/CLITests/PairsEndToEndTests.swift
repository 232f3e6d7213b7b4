import Foundation
import Store
import TestSupport
import Testing

/// make-pairs end to end on the real default model, at small sizes: answer pairs from an
/// AgentWrite answer and a direct answer, instruction pairs from backtranslation, length pairs
/// from Self-Lengthen; pair records validate against `schemas/pair-record.schema.json`, and every
/// export shape loads in Hugging Face `datasets` (and the `ranking` one the way LLaMA-Factory reads it).
@Suite(.serialized) struct PairsEndToEndTests {
    /// The records of a stage's dataset shards, parsed, with their files.
    func records(_ out: String, stage: String) throws -> (files: [String], records: [[String: Any]]) {
        let manifest = try Manifest(directory: out)
        let files = try manifest.shards(stage: stage, role: .data).map { manifest.absolutePath($0.path) }
        var records: [[String: Any]] = []
        for file in files {
            try LineReader(path: file).forEach { records.append(try JSONSerialization.jsonObject(with: Data($0 ?? [])) as! [String: Any]) }
        }
        return (files, records)
    }

    func rejects(_ out: String, stage: String) throws -> [[String: Any]] {
        let manifest = try Manifest(directory: out)
        var rejects: [[String: Any]] = []
        for shard in try manifest.shards(stage: stage, role: .reject) {
            try LineReader(path: manifest.absolutePath(shard.path)).forEach { rejects.append(try JSONSerialization.jsonObject(with: Data($0 ?? [])) as! [String: Any]) }
        }
        return rejects
    }

    func validPairs(_ files: [String]) throws -> Bool {
        try runTool("python3", [Repository.path("scripts/validate_records.py"), Repository.path("schemas/pair-record.schema.json")] + files).status == 0
    }

    func copyPrompts(to folder: TempFolder, _ names: [String]) throws {
        try FileManager.default.createDirectory(atPath: folder.file("prompts"), withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(atPath: Repository.path("pipelines/prompts/" + name), toPath: folder.file("prompts/" + name))
        }
    }

    /// Exports the release in `format` and loads it with `datasets`: rows, columns, first row.
    func exported(_ out: String, _ format: String, to: String, compression: String = "zstd") throws -> (stdout: String, loaded: [String: Any]?) {
        let result = try LWDataBinary.run(["export", "--out", out, "--format", format, "--to", to, "--compression", compression, "--name", "pairs"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = ExportCommandTests.dataFiles(to)
        return (result.stdout, files.isEmpty ? nil : try ExportCommandTests.python(ExportCommandTests.load, files))
    }

    /// Reads a `ranking` export the way LLaMA-Factory's loader does: the `dataset_info.json` entry
    /// with `ranking: true` and sharegpt formatting, its columns present, the conversation ending
    /// with a human turn (odd length), chosen and rejected single gpt turns.
    static let llamaFactoryRanking = """
        import json, os, sys
        from datasets import load_dataset
        root, name = sys.argv[1], sys.argv[2]
        entry = json.load(open(os.path.join(root, "dataset_info.json")))[name]
        assert entry.get("ranking") is True and entry.get("formatting") == "sharegpt", entry
        local = os.path.join(root, entry["file_name"])
        files = [os.path.join(local, f) for f in sorted(os.listdir(local))]
        assert {os.path.splitext(f)[1] for f in files} <= {".json", ".jsonl"}, files
        ds = load_dataset("json", data_files=files, split="train")
        cols = entry["columns"]
        missing = [c for c in (cols["messages"], cols["chosen"], cols["rejected"]) if c not in ds.column_names]
        assert not missing, missing
        tags = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt"}
        tags.update(entry.get("tags", {}))
        for row in ds:
            turns = row[cols["messages"]]
            assert len(turns) % 2 == 1 and turns[-1][tags["role_tag"]] == tags["user_tag"], turns
            for key in ("chosen", "rejected"):
                half = row[cols[key]]
                assert isinstance(half, dict) and half[tags["role_tag"]] == tags["assistant_tag"], half
                assert isinstance(half[tags["content_tag"]], str) and half[tags["content_tag"]], half
            assert row[cols["chosen"]][tags["content_tag"]] != row[cols["rejected"]][tags["content_tag"]]
        print(json.dumps({"rows": len(ds), "columns": sorted(ds.column_names)}))
        """

    @Test func answerPairsSetTheAgentWriteAnswerAgainstADirectAnswer() throws {
        let folder = TempFolder("pairs-answer")
        try #"{"prompt": "Write a 400-word story about a lighthouse keeper and a storm."}"#
            .write(toFile: folder.file("queries.jsonl"), atomically: true, encoding: .utf8)
        try copyPrompts(to: folder, ["predict_length_step1.txt", "predict_length_step2.txt", "plan_json.txt", "write.txt", "pairs_direct.txt"])
        let pipeline = folder.file("answer.yaml")
        try """
            name: pairs-answer
            inputs: [queries.jsonl]
            model: {backend: builtin}
            stages:
              - name: mine
              - name: predict-length
                params: {min_words: 300}
              - name: plan
              - name: write
              - name: export
              - name: make-pairs
                params: {sources: [answer], direct_max_tokens: 48, min_words: 50, min_length_score: 40}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let build = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(build.status == 0, "\(build.stderr)")
        let training = try records(out, stage: "export").records
        let (files, pairs) = try records(out, stage: "make-pairs")
        let dropped = try rejects(out, stage: "make-pairs")
        #expect(training.count == 1)
        #expect(pairs.count + dropped.count == training.count, "the record is paired or rejected with a reason: \(dropped)")
        #expect(pairs.count == 1, "\(dropped.map { $0["reason"] ?? "" })")
        #expect(try validPairs(files))
        let pair = try #require(pairs.first)
        let side = pair["pair"] as! [String: Any]
        let chosen = side["chosen"] as! [String: Any], rejected = side["rejected"] as! [String: Any]
        #expect(side["source"] as? String == "answer" && side["required_words"] as? Int == 400)
        #expect(chosen["origin"] as? String == "agentwrite" && rejected["origin"] as? String == "direct-0")
        #expect((chosen["produced_words"] as! Int) > (rejected["produced_words"] as! Int), "48 tokens cannot reach the AgentWrite answer")
        #expect((side["margin"] as! Double) >= 10)
        #expect(((chosen["length_score"] as! Double) - (rejected["length_score"] as! Double) - (side["margin"] as! Double)).magnitude < 0.02)
        #expect((side["model"] as? String)?.contains("SmolLM2") == true)
        let halves = (pair["chosen"] as! [String: String], pair["rejected"] as! [String: String])
        #expect(halves.0["prompt"] == halves.1["prompt"])
        let trainingMessages = training[0]["messages"] as! [[String: String]]
        #expect(halves.0["response"] == trainingMessages[1]["content"])
        #expect(build.stdout.contains("make-pairs: 1 pairs (answer 1"), "\(build.stdout)")

        // TRL's conversational preference type: prompt, chosen and rejected message lists, meta beside them.
        let dpo = try #require(try exported(out, "dpo", to: folder.file("dpo")).loaded)
        #expect(dpo["rows"] as? Int == 1 && dpo["columns"] as? [String] == ["chosen", "meta", "prompt", "rejected"])
        let row = try #require(dpo["first"] as? [String: Any])
        #expect(row["prompt"] as? [[String: String]] == [["role": "user", "content": halves.0["prompt"]!]])
        #expect(row["chosen"] as? [[String: String]] == [["role": "assistant", "content": halves.0["response"]!]])
        #expect(row["rejected"] as? [[String: String]] == [["role": "assistant", "content": halves.1["response"]!]])
        #expect(((row["meta"] as? [String: Any])?["margin"] as? Double) == side["margin"] as? Double)
        // The implicit-prompt type: the user turn inside each side.
        let implicit = try #require(try exported(out, "dpo-implicit", to: folder.file("implicit")).loaded)
        #expect(implicit["columns"] as? [String] == ["chosen", "meta", "rejected"])
        let turns = try #require((implicit["first"] as? [String: Any])?["rejected"] as? [[String: String]])
        #expect(turns.map { $0["role"] } == ["user", "assistant"] && turns[1]["content"] == halves.1["response"])
        // LLaMA-Factory's ranking format, read through the dataset_info.json entry export writes.
        let ranking = try exported(out, "ranking", to: folder.file("ranking"), compression: "none")
        #expect(ranking.stdout.contains("with dataset_info.json for LLaMA-Factory"))
        let read = try ExportCommandTests.python(Self.llamaFactoryRanking, [folder.file("ranking"), "pairs"])
        #expect(read["rows"] as? Int == 1 && read["columns"] as? [String] == ["chosen", "conversations", "meta", "rejected"])
        var written = try #require(ExportCommandTests.json(folder.file("ranking/dataset_info.json"))["pairs"] as? [String: Any])
        var example = try #require(ExportCommandTests.json(Repository.path("examples/llama-factory/dataset_info.json"))["lwdata_pairs"] as? [String: Any])
        written["file_name"] = nil
        example["file_name"] = nil
        let canonical = { (entry: [String: Any]) in String(decoding: try JSONSerialization.data(withJSONObject: entry, options: .sortedKeys), as: UTF8.self) }
        #expect(try canonical(written) == canonical(example), "the documented entry is the one export writes")
        // The training-record formats pass the pairs over.
        let messages = try #require(try exported(out, "messages", to: folder.file("messages")).loaded)
        #expect(messages["rows"] as? Int == 1 && messages["columns"] as? [String] == ["messages"])

        // The release's dataset card: training records in the default config, pairs in `pairs`.
        let card = try ExportCommandTests.python("""
            import json, sys
            from datasets import load_dataset
            pairs, records = load_dataset(sys.argv[1], "pairs", split="train"), load_dataset(sys.argv[1], split="train")
            print(json.dumps({"pairs": len(pairs), "records": len(records), "columns": sorted(pairs.column_names)}))
            """, [out + "/latest"])
        #expect(card["pairs"] as? Int == 1 && card["records"] as? Int == 1 && card["columns"] as? [String] == ["chosen", "id", "kind", "pair", "rejected"])

        let status = try LWDataBinary.run(["status", "--out", out])
        #expect(status.stdout.contains("pairs: 1 (answer 1)") && status.stdout.contains("answer margin: min"), "\(status.stdout)")
        let again = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(again.status == 0 && (again.stdout.contains("model: 0 calls") || !again.stdout.contains("model:")), "\(again.stdout)")
    }

    @Test func instructionAndLengthPairsFromBacktranslationAndSelfLengthen() throws {
        let folder = TempFolder("pairs-il")
        let story = try String(contentsOfFile: Repository.path("data/sample/long-texts/the-night-ferry.txt"), encoding: .utf8)
        try story.components(separatedBy: "\n\n").prefix(9).joined(separator: "\n\n").write(toFile: folder.file("story.txt"), atomically: true, encoding: .utf8)
        try [#"{"prompt": "Describe a walk through an old harbour town at dawn."}"#,
             #"{"prompt": "Explain why bread dough needs to rest before baking."}"#]
            .joined(separator: "\n").write(toFile: folder.file("queries.jsonl"), atomically: true, encoding: .utf8)
        try copyPrompts(to: folder, ["backtranslate.txt", "backtranslate_reject.txt", "backtranslate_format.txt",
                                     "lengthen_generate.txt", "lengthen_enrich.txt", "lengthen_continue.txt", "pairs_direct.txt"])
        let pipeline = folder.file("il.yaml")
        try """
            name: pairs-il
            inputs: [story.txt, queries.jsonl]
            model: {backend: builtin}
            stages:
              - name: read
                kind: read-texts
                params: {texts: [story.txt], min_words: 150, max_words: 300, mine: {}}
              - name: lengthen
                concurrency: 2
                params: {select: {kinds: [query]}, rounds: 2, growth: 1.2, first_max_tokens: 50, max_tokens: 120}
              - name: backtranslate
                concurrency: 2
                params: {select: {kinds: [document]}, min_constraints: 1, max_constraints: 2, max_tokens: 200, retries: 2, context_tokens: 1536}
              - name: constrain-length
                params: {select: {kinds: [lengthened]}, mode: derive}
              - name: export
              - name: make-pairs
                params: {sources: [instruction, length], min_words: 20, min_length_score: 90, min_margin: 5}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let build = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(build.status == 0, "\(build.stderr)")
        let training = try records(out, stage: "export").records
        let (files, pairs) = try records(out, stage: "make-pairs")
        let dropped = try rejects(out, stage: "make-pairs")
        #expect(pairs.count + dropped.count == training.count, "every record is paired or rejected with a reason")
        let allowed: Set<String> = ["draft_meets_length", "final_misses_length", "small_margin", "chosen_fails_filters", "rejected_is_truncated_chosen",
                                    "near_identical", "identical", "empty_half", "tie"]
        #expect(dropped.allSatisfy { allowed.contains($0["reason"] as? String ?? "") }, "\(dropped)")
        #expect(try validPairs(files))
        func side(_ pair: [String: Any]) -> [String: Any] { pair["pair"] as! [String: Any] }
        let instruction = pairs.filter { side($0)["source"] as? String == "instruction" }
        let length = pairs.filter { side($0)["source"] as? String == "length" }
        #expect(instruction.count >= 1 && length.count >= 1, "\(pairs.map { side($0)["source"] ?? "" }) rejects \(dropped.map { $0["detail"] ?? "" })")
        for pair in instruction {
            let chosen = pair["chosen"] as! [String: String], rejected = pair["rejected"] as! [String: String]
            #expect(chosen["response"] == rejected["response"] && chosen["prompt"] != rejected["prompt"])
            let record = try #require(training.first { $0["id"] as? String == side(pair)["record_id"] as? String })
            let meta = record["meta"] as! [String: Any]
            #expect(rejected["prompt"] == (meta["rejected"] as! [String: Any])["query"] as? String)
            #expect((side(pair)["margin"] as! Double) > 0)
        }
        for pair in length {
            let chosen = pair["chosen"] as! [String: String], rejected = pair["rejected"] as! [String: String]
            let record = try #require(training.first { $0["id"] as? String == side(pair)["record_id"] as? String })
            let meta = record["meta"] as! [String: Any]
            #expect(rejected["response"] == (meta["lengthen"] as! [String: Any])["first_response"] as? String)
            #expect(chosen["response"] == (record["messages"] as! [[String: String]])[1]["content"])
            let scores = (side(pair)["chosen"] as! [String: Any], side(pair)["rejected"] as! [String: Any])
            #expect((scores.0["length_score"] as! Double) >= 90 && (scores.1["length_score"] as! Double) < 90)
        }

        // dpo holds one prompt per pair: the instruction pairs are left out and said so; dpo-implicit holds every pair.
        let dpo = try exported(out, "dpo", to: folder.file("dpo"))
        #expect(dpo.stdout.contains("\(instruction.count) instruction pair(s) left out"), "\(dpo.stdout)")
        #expect(dpo.loaded?["rows"] as? Int == length.count)
        let implicit = try #require(try exported(out, "dpo-implicit", to: folder.file("implicit")).loaded)
        #expect(implicit["rows"] as? Int == pairs.count && implicit["columns"] as? [String] == ["chosen", "meta", "rejected"])
        let ranking = try exported(out, "ranking", to: folder.file("ranking"), compression: "none")
        #expect(ranking.stdout.contains("as ranking: \(length.count) records"))
        #expect(try ExportCommandTests.python(Self.llamaFactoryRanking, [folder.file("ranking"), "pairs"])["rows"] as? Int == length.count)
    }
}
