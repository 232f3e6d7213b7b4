import Foundation
import Store
import TestSupport
import Testing

/// One pipeline feeding several recipes (no model needed): `read-texts` reads queries and long
/// texts side by side, and `select:` hands a stable share of the queries to a stage while every
/// other record passes it unchanged.
@Suite struct RecipeRoutingTests {
    func records(_ out: String, stage: String) throws -> [[String: Any]] {
        let manifest = try Manifest(directory: out)
        var result: [[String: Any]] = []
        for shard in try manifest.shards(stage: stage, role: .data) {
            try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                result.append(try JSONSerialization.jsonObject(with: Data(line ?? [])) as! [String: Any])
            }
        }
        return result
    }

    @Test func selectRoutesAShareOfTheQueriesAndPassesTheRestThrough() throws {
        let folder = TempFolder("routing")
        try FileManager.default.createDirectory(atPath: folder.file("texts"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.path("data/sample/long-texts/the-night-ferry.txt"), toPath: folder.file("texts/ferry.txt"))
        try FileManager.default.copyItem(atPath: Repository.path("data/sample/prompts.jsonl"), toPath: folder.file("prompts.jsonl"))
        let pipeline = folder.file("route.yaml")
        try """
            name: route
            inputs: [prompts.jsonl, "texts/*.txt"]
            stages:
              - name: read
                kind: read-texts
                params: {texts: ["texts/*"], min_words: 1000, max_words: 2000, mine: {limit: 40}}
              - name: constrain-length
                params: {mode: inject, targets: [800], select: {kinds: [query], share: 0.5}}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let run = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")

        let read = try records(out, stage: "read")
        let queries = read.filter { $0["kind"] as? String == "query" }
        let documents = read.filter { $0["kind"] as? String == "document" }
        #expect(queries.count == 40)
        #expect(documents.count == 2, "the story gives two documents of 1,000–2,000 words")
        #expect(documents.allSatisfy { (1000...2000).contains($0["words"] as! Int) })

        let routed = try records(out, stage: "constrain-length")
        #expect(routed.count == read.count)
        let constrained = routed.filter { $0["length_constraint"] != nil }
        #expect((10...30).contains(constrained.count), "about half the queries: \(constrained.count)")
        #expect(constrained.allSatisfy { $0["kind"] as? String == "query" })
        for record in constrained {
            let constraint = record["length_constraint"] as! [String: Any]
            #expect((record["query"] as! String).hasSuffix(constraint["sentence"] as! String))
            #expect((record["query"] as! String).hasPrefix(record["original_query"] as! String))
            let band = constraint["band"] as! [Double]
            #expect(band[0] <= 800 && 800 <= band[1], "\(constraint)")
        }
        // Everything not selected is byte-for-byte what the source wrote.
        let readByID = Dictionary(uniqueKeysWithValues: read.map { ($0["id"] as! String, $0) })
        for record in routed where record["length_constraint"] == nil {
            let original = try #require(readByID[record["id"] as! String])
            #expect(NSDictionary(dictionary: original).isEqual(to: record))
        }
        // The split is stable: a second folder gets the same constrained ids.
        let out2 = folder.file("out2")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", out2]).status == 0)
        let again = try records(out2, stage: "constrain-length").filter { $0["length_constraint"] != nil }.map { $0["id"] as! String }
        #expect(Set(again) == Set(constrained.map { $0["id"] as! String }))
    }

    @Test func selectIsRefusedWhereItCannotApply() throws {
        let folder = TempFolder("routing-bad")
        try "{\"prompt\": \"hi\"}\n".write(toFile: folder.file("q.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("bad.yaml")
        try """
            name: bad
            inputs: [q.jsonl]
            stages:
              - name: mine
              - name: export
                params: {select: {kinds: [query]}}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let run = try LWDataBinary.run(["build", pipeline, "--out", folder.file("out")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("stages[1].params.select"), "\(run.stderr)")
    }
}
