import Foundation
import Pipeline
import Store

/// The report's record browser: `records.html`, a static page (no server, works from the folder)
/// listing the final records and the rejects, sortable and filterable, 100 rows a page; a record
/// opens to its instruction, plan, each section with its word budget against the words written,
/// the judge's scores along the output, flagged sentences highlighted, and for a reject its stage,
/// reason and detail. The row index is one script (`records/index.js`); full records are loaded
/// 100 at a time (`records/chunk-N.js`) when one of them is opened, so 10,000 records stay fast.
public enum RecordBrowser {
    static let chunkSize = 100

    /// One row: what the table shows, and where the full record is.
    struct Row {
        var fields: [String: JSONValue]
        var full: [String: JSONValue]
    }

    /// Writes `records.html` and `records/` into the report folder; returns the number of rows.
    @discardableResult
    public static func write(manifest: Manifest, finalStage: String?, folder: String) throws -> Int {
        var rows: [Row] = []
        if let finalStage {
            for shard in try manifest.shards(stage: finalStage, role: .data) {
                try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                    guard let line, let record = try? Record(line: line) else { return }
                    rows.append(kept(record, stage: finalStage))
                }
            }
        }
        for shard in try manifest.shards(role: .reject) {
            try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                guard let line, let record = try? Record(line: line) else { return }
                rows.append(rejected(record))
            }
        }
        let directory = folder + "/records"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var index: [JSONValue] = []
        for (chunk, start) in stride(from: 0, to: rows.count, by: chunkSize).enumerated() {
            let part = rows[start..<min(rows.count, start + chunkSize)]
            for (offset, row) in part.enumerated() {
                var fields = row.fields
                fields["n"] = .int(start + offset)
                fields["chunk"] = .int(chunk)
                index.append(.object(fields))
            }
            let records = JSONValue.array(part.map { .object($0.full) }).jsonString
            try "LW.chunkLoaded(\(chunk), \(records));\n".write(toFile: directory + "/chunk-\(chunk).js", atomically: true, encoding: .utf8)
        }
        try "LW.indexLoaded(\(JSONValue.array(index).jsonString));\n".write(toFile: directory + "/index.js", atomically: true, encoding: .utf8)
        try RecordBrowserPage.html.write(toFile: folder + "/records.html", atomically: true, encoding: .utf8)
        return rows.count
    }

    /// A final record: exported (`messages` + `meta`) or still in stage form (`query`, `response`, …).
    static func kept(_ record: Record, stage: String) -> Row {
        let meta = record["meta"]?.object ?? [:]
        let messages = record["messages"]?.array ?? []
        let instruction = messages.first { $0["role"]?.string == "user" }?["content"]?.string ?? record["query"]?.string ?? ""
        let response = messages.last { $0["role"]?.string == "assistant" }?["content"]?.string ?? record["response"]?.string ?? ""
        let checks = meta["content_checks"] ?? record["content_checks"]
        let quality = meta["quality"] ?? record["quality"]
        let flags = (checks?["coherence"]?.array?.count ?? 0) + (checks?["task_talk"]?["sentences"]?.array?.count ?? 0)
        let fields: [String: JSONValue] = [
            "id": .string(record.id), "status": "kept", "stage": .string(stage),
            "instruction": .string(String(instruction.prefix(200))),
            "recipe": meta["recipe"] ?? record["recipe"] ?? .null,
            "required": meta["required_words"] ?? record["length"]?["required_words"] ?? .null,
            "produced": meta["produced_words"] ?? .int(LengthCounter.count(response)),
            "sl": meta["length_score"] ?? record["filter"]?["length_score"] ?? .null,
            "sq": quality?["s_q"] ?? .null, "flags": .int(flags),
        ]
        let full: [String: JSONValue] = [
            "id": .string(record.id), "instruction": .string(instruction), "response": .string(response),
            "plan": meta["plan"] ?? record["plan"] ?? .null,
            "step_words": meta["step_words"] ?? .array((record["write_meta"]?["steps"]?.array ?? []).map { $0["words"] ?? .null }),
            "quality": quality ?? .null, "content_checks": checks ?? .null,
        ]
        return Row(fields: fields, full: full)
    }

    /// A reject of any stage, with what it held of the instruction and the answer.
    static func rejected(_ record: Record) -> Row {
        let instruction = record["query"]?.string ?? record["instruction"]?.string ?? ""
        let fields: [String: JSONValue] = [
            "id": .string(record.id), "status": "rejected", "stage": record["stage"] ?? .null,
            "instruction": .string(String(instruction.prefix(200))), "recipe": record["recipe"] ?? .null,
            "required": record["length"]?["required_words"] ?? .null, "produced": .null, "sl": .null,
            "sq": record["quality"]?["s_q"] ?? .null, "flags": .int(0), "reason": record["reason"] ?? .null,
        ]
        let full: [String: JSONValue] = [
            "id": .string(record.id), "instruction": .string(instruction), "response": record["response"] ?? .null,
            "reason": record["reason"] ?? .null, "detail": record["detail"] ?? .null, "stage": record["stage"] ?? .null,
            "quality": record["quality"] ?? .null, "evidence": record["evidence"] ?? .null,
        ]
        return Row(fields: fields, full: full)
    }
}
