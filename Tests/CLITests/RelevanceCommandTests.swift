import Foundation
import Testing
import TestSupport

@Suite("lwdata relevance", .enabled(if: encoderInstalled, "sentence encoder not installed: run scripts/setup.sh"))
struct RelevanceCommandTests {
    @Test("counts the paragraphs whose cosine to their instruction is below the threshold")
    func countsOffTopicParagraphs() throws {
        let folder = TempFolder("relevance")
        let answer = [
            "Water the tomato plants deeply twice a week, early in the morning, so the roots grow down into the soil.",
            "Tie each tomato stem to a stake as it grows, and pinch out the side shoots to keep the plant tidy.",
            "The striker signed a three-year contract with the club and will wear the number nine shirt next season.",
        ].joined(separator: "\n\n")
        let record: [String: Any] = ["messages": [["role": "user", "content": "How do I grow tomatoes in my garden?"],
                                                  ["role": "assistant", "content": answer]]]
        let line = String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self)
        try (line + "\n").write(toFile: folder.file("sft.jsonl"), atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["relevance", folder.file("sft.jsonl"), "--json", folder.file("figures.json")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 records, 3 paragraphs"), "\(result.stdout)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("figures.json")))) as? [String: Any])
        #expect(figures["paragraphs"] as? Int == 3)
        #expect(figures["off_topic_paragraphs"] as? Int == 1, "\(figures)")
        #expect(abs((figures["off_topic_share"] as? Double ?? 0) - 1.0 / 3) < 1e-9)
        // Lines: the second paragraph split in two lines gives four, one of them off-topic.
        try (line.replacingOccurrences(of: "grows, and", with: "grows.\\nAnd") + "\n").write(toFile: folder.file("lines.jsonl"), atomically: true, encoding: .utf8)
        let lines = try LWDataBinary.run(["relevance", folder.file("lines.jsonl"), "--unit", "lines"])
        #expect(lines.status == 0 && lines.stdout.contains("1 records, 4 lines; off-topic (cosine to the instruction < 0.15): 1 = 25.0%"), "\(lines.stdout)")
        let bad = try LWDataBinary.run(["relevance", folder.file("lines.jsonl"), "--unit", "words"])
        #expect(bad.status == 2 && bad.stderr.contains("--unit: expected paragraphs or lines"))
    }
}
