import Foundation
import Store
import TestSupport
import Testing

/// `lwdata merge --pipeline` with semantic dedup: instructions asking the same in other words,
/// scattered over two parts, get the decisions of one build once the parts are merged.
@Suite(.serialized, .enabled(if: encoderInstalled, "sentence encoder not installed: run scripts/setup.sh"))
struct MergeSemanticDuplicateTests {
    @Test func paraphrasesInDifferentPartsAreDecidedAsInOneBuild() throws {
        let folder = TempFolder("merge-semantic")
        let pipeline = try writePipeline(in: folder)
        let single = folder.file("single")
        let built = try LWDataBinary.run(["build", pipeline, "--out", single, "--quiet"])
        #expect(built.status == 0, "\(built.stderr)")
        let parts = (1...2).map { folder.file("part-\($0)-of-2") }
        for (i, part) in parts.enumerated() {
            #expect(try LWDataBinary.run(["build", pipeline, "--out", part, "--part", "\(i + 1)/2", "--quiet"]).status == 0)
        }
        let singleDecisions = try DedupDecisions.decisions(single)
        #expect(singleDecisions.count >= 20 && singleDecisions.allSatisfy { $0.contains("semantic_duplicate_instruction") },
                "\(singleDecisions)")
        #expect(try parts.reduce(0) { $0 + (try DedupDecisions.kept(in: $1)) } > (try DedupDecisions.kept(in: single)), "paraphrases span the parts")

        let merged = folder.file("merged")
        let merge = try LWDataBinary.run(["merge"] + parts + ["--out", merged, "--pipeline", pipeline])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try DedupDecisions.kept(in: merged) == (try DedupDecisions.kept(in: single)))
        #expect(try DedupDecisions.decisions(merged) == singleDecisions)
    }

    /// Every instruction of the labelled paraphrase set (120 distinct asks, 40 of them paraphrased)
    /// through mine → dedup-filter with only semantic dedup comparing instructions.
    private func writePipeline(in folder: TempFolder) throws -> String {
        let rows = try String(contentsOfFile: Repository.path("Tests/Fixtures/semantic-duplicates.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        var texts: [String] = []
        for row in rows {
            for key in ["a", "b"] {
                if let text = row[key] as? String, !texts.contains(text) { texts.append(text) }
            }
        }
        let input = try texts.map { String(decoding: try JSONSerialization.data(withJSONObject: ["prompt": $0]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
        try input.write(toFile: folder.file("queries.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("semantic.yaml")
        try """
        name: semantic
        inputs: [queries.jsonl]
        output:
          shard_max_records: 9
        stages:
          - name: mine
          - name: dedup-filter
            params:
              instruction_field: query
              response_field: query
              min_words: 3
              disable: [meta_talk]     # the asks, standing in as responses, talk about a task
              near_dedup:
                fields: []
              semantic_dedup: true
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        return pipeline
    }
}
