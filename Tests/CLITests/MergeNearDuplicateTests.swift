import Foundation
import Store
import TestSupport
import Testing

/// `lwdata merge --pipeline`: dedup-filter decides near-duplicates across the parts as one build does.
@Suite(.serialized) struct MergeNearDuplicateTests {
    @Test func plantedCrossPartNearDuplicatesGetTheDecisionsOfOneBuild() throws {
        let folder = TempFolder("merge-near")
        let pipeline = try writeNearDuplicatePipeline(in: folder)
        let single = folder.file("single")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", single, "--quiet"]).status == 0)
        let parts = (1...3).map { folder.file("part-\($0)-of-3") }
        for (i, part) in parts.enumerated() {
            #expect(try LWDataBinary.run(["build", pipeline, "--out", part, "--part", "\(i + 1)/3", "--quiet"]).status == 0)
        }
        // Each part decided alone: it kept near-duplicates whose cluster mates fell in another part.
        let keptByParts = try parts.reduce(0) { $0 + (try DedupDecisions.kept(in: $1)) }
        let keptBySingle = try DedupDecisions.kept(in: single)
        #expect(keptByParts > keptBySingle, "the planted near-duplicates span parts: \(keptByParts) vs \(keptBySingle)")

        let refused = try LWDataBinary.run(["merge"] + parts + ["--out", folder.file("refused")])
        #expect(refused.status == 2 && refused.stderr.contains("--pipeline"), "\(refused.stderr)")

        let merged = folder.file("merged")
        let merge = try LWDataBinary.run(["merge"] + parts + ["--out", merged, "--pipeline", pipeline])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("deciding dedup-filter again over all parts"), "\(merge.stdout)")
        #expect(try DedupDecisions.kept(in: merged) == keptBySingle)
        #expect(try DedupDecisions.decisions(merged) == (try DedupDecisions.decisions(single)))
        #expect(try registeredLines(merged, .data) == (try registeredLines(single, .data)))
        #expect(try LWDataBinary.run(["verify", "--out", merged]).status == 0)
    }

    /// 60 paragraphs; 20 of them have two or three close variants (one or two words changed), which
    /// the hash partition scatters over the parts.
    private func writeNearDuplicatePipeline(in folder: TempFolder) throws -> String {
        let words = ["river", "mountain", "harbour", "library", "market", "railway", "garden", "factory", "castle", "bridge",
                     "forest", "island", "valley", "desert", "village", "temple", "canal", "museum", "theatre", "airport"]
        var lines: [String] = []
        for i in 0..<60 {
            let a = words[i % 20], b = words[(i * 7 + 3) % 20], c = words[(i * 11 + 5) % 20]
            let text = "Describe the \(a) of town \(i) in detail: who built the \(b), how the \(c) changed trade, what travellers "
                + "wrote about the \(a) in the year \(1700 + i * 3), and why the people of town \(i) still gather there every spring "
                + "to remember the flood that reached the \(b) and the fire that spared the \(c)."
            lines.append(text)
            guard i % 3 == 0 else { continue }
            lines.append(text.replacingOccurrences(of: "in detail", with: "at length"))
            if i % 6 == 0 { lines.append(text.replacingOccurrences(of: "every spring", with: "each spring")) }
        }
        let input = lines.map { #"{"prompt": "\#($0)"}"# }.joined(separator: "\n") + "\n"
        try input.write(toFile: folder.file("queries.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("near.yaml")
        try """
        name: near
        inputs: [queries.jsonl]
        output:
          shard_max_records: 7
        stages:
          - name: mine
          - name: dedup-filter
            params:
              instruction_field: query
              response_field: query
              min_words: 10
              near_dedup:
                fields: [instruction]
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        return pipeline
    }
}
