import Foundation
import Store
import TestSupport
import Testing

/// `lwdata audit` on files it did not build: a default build's records (recorded before the write
/// stage learned to drop task talk) are flagged with their task-talk sentences as evidence; clean
/// human-written texts are not flagged; bad lines are named and skipped.
@Suite struct AuditCommandTests {
    func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func aDefaultBuildsRecordsAreFlaggedWithEvidence() throws {
        let folder = TempFolder("audit")
        let result = try LWDataBinary.run(["audit", Repository.path("Tests/Fixtures/default-build-records.jsonl.zst"), "--out", folder.file("a")])
        #expect(result.status == 0, "\(result.stderr)")
        let audit = try lines(folder.file("a/audit.jsonl"))
        #expect(audit.count == 4)
        for line in audit {
            let talk = try #require(line["task_talk"] as? [String: Any])
            let sentences = try #require(talk["sentences"] as? [[String: String]])
            #expect(!sentences.isEmpty, "every record of the default build talks about its task somewhere")
            #expect(sentences.allSatisfy { !($0["text"] ?? "").isEmpty && $0["kind"] != nil })
            #expect((talk["share"] as? Double ?? 0) > 0)
            #expect((line["words"] as? Int ?? 0) > 2000 && line["repetition"] != nil && line["id"] != nil)
        }
        #expect(result.stdout.contains("task talk in 4 of 4 records"), "\(result.stdout)")
        let page = try String(contentsOfFile: folder.file("a/report/index.html"), encoding: .utf8)
        #expect(page.contains("Flagged records (4)") && page.contains("task talk (task_talk)"))
    }

    @Test func cleanHumanTextIsNotFlaggedAndBadLinesAreSkipped() throws {
        let folder = TempFolder("audit-clean")
        var records: [String] = []
        for file in ["the-night-ferry.txt", "saltmere-history.txt"] {
            let text = try String(contentsOfFile: Repository.path("data/sample/long-texts/" + file), encoding: .utf8)
            let record = ["messages": [["role": "user", "content": "Write a long piece."], ["role": "assistant", "content": text]]]
            records.append(String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self))
        }
        records.insert("{not json", at: 1)
        records.append(#"{"instruction": "Explain tides.", "input": "", "output": "Tides rise and fall twice a day because the moon pulls on the oceans."}"#)
        records.append(#"{"conversations": [{"from": "human", "value": "hi"}]}"#)
        try records.joined(separator: "\n").write(toFile: folder.file("clean.jsonl"), atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["audit", folder.file("clean.jsonl"), "--out", folder.file("a")])
        #expect(result.status == 0)
        #expect(result.stderr.contains("clean.jsonl:2: skipped: not valid JSON"), "\(result.stderr)")
        #expect(result.stderr.contains("clean.jsonl:5: skipped: no sharegpt user turn and assistant answer"), "\(result.stderr)")
        let audit = try lines(folder.file("a/audit.jsonl"))
        #expect(audit.count == 3, "the two texts and the alpaca record")
        for line in audit {
            #expect(((line["task_talk"] as? [String: Any])?["sentences"] as? [Any])?.isEmpty == true, "\(line["task_talk"] ?? "")")
            #expect((line["coherence"] as? [Any] ?? []).isEmpty)
        }
        #expect(result.stdout.contains("3 records audited, 0 flagged, 2 bad lines skipped"), "\(result.stdout)")
    }
}
