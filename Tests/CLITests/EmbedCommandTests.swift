import Foundation
import Testing
import TestSupport

/// Whether `scripts/setup.sh` installed the sentence encoder where `lwdata` looks by default.
let encoderInstalled: Bool = {
    let environment = ProcessInfo.processInfo.environment
    if let explicit = environment["LWDATA_ENCODER"], !explicit.isEmpty {
        return FileManager.default.fileExists(atPath: explicit + "/model.safetensors")
    }
    let cache = environment["LWDATA_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
        ?? ((environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache") + "/lwdata")
    return FileManager.default.fileExists(atPath: cache + "/models/all-MiniLM-L6-v2/model.safetensors")
}()

@Suite("lwdata embed", .enabled(if: encoderInstalled, "sentence encoder not installed: run scripts/setup.sh"))
struct EmbedCommandTests {
    private func embeddings(_ path: String) throws -> [[Double]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["embedding"] as? [Double])
        }
    }

    @Test("text lines and JSONL give the same unit embeddings in input order; paraphrases are closer than unrelated texts")
    func embedsInOrder() throws {
        let folder = TempFolder("embed")
        let texts = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.", ""]
        try (texts.joined(separator: "\n") + "\n").write(toFile: folder.file("in.txt"), atomically: true, encoding: .utf8)
        let jsonl = try texts.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0, "id": 1]), as: UTF8.self) }
        try jsonl.joined(separator: "\n").write(toFile: folder.file("in.jsonl"), atomically: true, encoding: .utf8)
        let plain = try LWDataBinary.run(["embed", folder.file("in.txt"), "--out", folder.file("plain.jsonl")])
        #expect(plain.status == 0, "\(plain.stderr)")
        let fromJSONL = try LWDataBinary.run(["embed", folder.file("in.jsonl")])
        #expect(fromJSONL.status == 0, "\(fromJSONL.stderr)")
        try fromJSONL.stdout.write(toFile: folder.file("json.jsonl"), atomically: true, encoding: .utf8)
        let a = try embeddings(folder.file("plain.jsonl")), b = try embeddings(folder.file("json.jsonl"))
        #expect(a.count == 4 && b.count == 4)
        #expect(a.allSatisfy { $0.count == 384 && abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4 })
        #expect(zip(a, b).allSatisfy { $0 == $1 })
        let dot = { (x: [Double], y: [Double]) in zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(dot(a[0], a[1]) > dot(a[0], a[2]) + 0.3)
    }

    @Test("a JSONL line without a text field is refused naming the file and line")
    func badLine() throws {
        let folder = TempFolder("embed-bad")
        try "{\"text\": \"fine\"}\n{\"prompt\": \"no text\"}\n".write(toFile: folder.file("bad.jsonl"), atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["embed", folder.file("bad.jsonl")])
        #expect(result.status != 0)
        #expect(result.stderr.contains(folder.file("bad.jsonl") + ":2: no string field \"text\""), "\(result.stderr)")
    }
}
