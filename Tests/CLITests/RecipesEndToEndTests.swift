import Foundation
import Store
import TestSupport
import Testing

/// The backtranslate, lengthen and constrain-length recipes end to end on the real default model,
/// at small sizes (two ~240-word documents, 50-token first responses): records validate against
/// their schemas and hold what the recipe promises.
@Suite(.serialized) struct RecipesEndToEndTests {
    /// The dataset records of a build, parsed.
    func datasetRecords(_ out: String) throws -> (files: [String], records: [[String: Any]]) {
        let manifest = try Manifest(directory: out)
        let files = try manifest.shards(stage: "export").map { manifest.absolutePath($0.path) }
        var records: [[String: Any]] = []
        for file in files {
            try LineReader(path: file).forEach { line in
                records.append(try JSONSerialization.jsonObject(with: Data(line ?? [])) as! [String: Any])
            }
        }
        return (files, records)
    }

    func validate(_ schema: String, _ files: [String]) throws -> Bool {
        try runTool("python3", [Repository.path("scripts/validate_records.py"), Repository.path("schemas/" + schema)] + files).status == 0
    }

    func copyPrompts(to folder: TempFolder, _ names: [String]) throws {
        try FileManager.default.createDirectory(atPath: folder.file("prompts"), withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(atPath: Repository.path("pipelines/prompts/" + name), toPath: folder.file("prompts/" + name))
        }
    }

    @Test func backtranslatesDocumentsWithRejectedInstructions() throws {
        let folder = TempFolder("bt-e2e")
        // The opening of a sample story (~480 words, two documents), with a reference list the chunker must leave out.
        let story = try String(contentsOfFile: Repository.path("data/sample/long-texts/the-night-ferry.txt"), encoding: .utf8)
        let paragraphs = Array(story.components(separatedBy: "\n\n").prefix(9))
        try (paragraphs.joined(separator: "\n\n") + "\n\nReferences\n\n[1] Calloway, R. (2001). Ferry Logs. Island Press.\n")
            .write(toFile: folder.file("story.txt"), atomically: true, encoding: .utf8)
        try copyPrompts(to: folder, ["backtranslate.txt", "backtranslate_reject.txt", "backtranslate_format.txt"])
        let pipeline = folder.file("bt.yaml")
        try """
            name: bt-e2e
            inputs: [story.txt]
            model: {backend: builtin}
            stages:
              - name: read-texts
                params: {min_words: 150, max_words: 300}
              - name: backtranslate
                concurrency: 2
                params: {min_constraints: 1, max_constraints: 2, max_tokens: 200, retries: 2, context_tokens: 1536}
              - name: export
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let first = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(first.status == 0, "\(first.stderr)")
        let (files, records) = try datasetRecords(out)
        let rejects = try registeredLines(out, .reject)
        #expect(records.count + rejects.count == 2, "each document is backtranslated or rejected")
        #expect(rejects.allSatisfy { $0.contains("\"unusable_instruction\"") && $0.contains("\"attempts\"") })
        #expect(records.count >= 1, "\(rejects)")
        #expect(try validate("backtranslate-record.schema.json", files))
        for record in records {
            let messages = record["messages"] as! [[String: String]]
            let meta = record["meta"] as! [String: Any]
            let document = messages[1]["content"]!
            #expect(paragraphsOf(document).allSatisfy { paragraphs.contains($0) }, "whole paragraphs of the input")
            #expect(!document.contains("References") && !document.contains("Island Press"))
            let constraints = (meta["constraints"] as! [[String: String]]).map { $0["text"]! }
            #expect((1...2).contains(constraints.count))
            let instruction = messages[0]["content"]!
            #expect(instruction.hasPrefix(meta["instruction"] as! String))
            for constraint in constraints { #expect(instruction.contains(constraint)) }
            let rejected = meta["rejected"] as! [String: Any]
            let edits = (rejected["constraints"] as! [[String: String]]).map { $0["text"]! }
            #expect(edits.count == constraints.count)
            for (original, edit) in zip(constraints, edits) { #expect(original != edit) }
            #expect((rejected["query"] as! String).hasPrefix(meta["instruction"] as! String))
            let span = meta["span"] as! [String: Int]
            #expect(span["parts"] == 2 && span["paragraphs"] == paragraphs.count + 2)
        }

        let again = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(again.status == 0)
        #expect(again.stdout.contains("model: 0 calls") || !again.stdout.contains("model:"), "\(again.stdout)")
    }

    /// Paragraphs of a text, as the export writes them.
    func paragraphsOf(_ text: String) -> [String] { text.components(separatedBy: "\n\n") }

    @Test func lengthensResponsesAndDerivesLengthRequirements() throws {
        let folder = TempFolder("ln-e2e")
        let queries = [
            #"{"prompt": "Describe a walk through an old harbour town at dawn."}"#,
            #"{"prompt": "Explain why bread dough needs to rest before baking."}"#,
        ]
        try queries.joined(separator: "\n").write(toFile: folder.file("queries.jsonl"), atomically: true, encoding: .utf8)
        try copyPrompts(to: folder, ["lengthen_generate.txt", "lengthen_enrich.txt", "lengthen_continue.txt"])
        let pipeline = folder.file("ln.yaml")
        try """
            name: ln-e2e
            inputs: [queries.jsonl]
            model: {backend: builtin}
            stages:
              - name: mine
              - name: lengthen
                concurrency: 2
                params: {rounds: 2, growth: 1.2, first_max_tokens: 50, max_tokens: 120}
              - name: constrain-length
                params: {mode: derive}
              - name: export
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let run = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let (files, records) = try datasetRecords(out)
        let rejects = try registeredLines(out, .reject)
        #expect(records.count + rejects.count == 2, "each query is accepted or rejected")
        #expect(rejects.allSatisfy { $0.contains("\"insufficient_growth\"") && $0.contains("\"lengths\"") })
        #expect(records.count >= 1, "at least one response reaches 1.2x: \(rejects)")
        #expect(try validate("lengthen-record.schema.json", files))
        #expect(try validate("constrained-record.schema.json", files))
        for record in records {
            let meta = record["meta"] as! [String: Any]
            let lengthen = meta["lengthen"] as! [String: Any]
            let lengths = lengthen["lengths"] as! [Int]
            #expect(zip(lengths, lengths.dropFirst()).allSatisfy { $0 < $1 }, "every kept round grew: \(lengths)")
            #expect(Double(lengths.last!) >= 1.2 * Double(lengths[0]))
            #expect(lengthen["rounds_kept"] as? Int == lengths.count - 1)
            #expect(meta["produced_words"] as? Int == lengths.last)
            let constraint = meta["length_constraint"] as! [String: Any]
            #expect(constraint["score"] as? Double == 1, "a derived requirement fits its response")
            let query = (record["messages"] as! [[String: String]])[0]["content"]!
            #expect(query.hasPrefix(meta["original_query"] as! String) && query.hasSuffix(constraint["sentence"] as! String))
            #expect((meta["length_score"] as! Double) >= 75)
        }
        #expect(run.stdout.contains("responses reached 1.2× growth"), "\(run.stdout)")
    }
}
