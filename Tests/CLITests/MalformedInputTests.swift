import Foundation
import Store
import TestSupport
import Testing

/// Malformed inputs through the real binary: each gives a clear error (exit 2, naming the file
/// and key) or a reject with its reason, never a crash.
@Suite(.serialized) struct MalformedInputTests {
    /// Builds a one-stage mine pipeline over `inputs` (files in `folder`).
    private func build(_ inputs: [String], in folder: TempFolder, out: String = "out") throws -> LWDataBinary.Result {
        let pipeline = folder.file("p.yaml")
        try "name: t\ninputs: [\(inputs.joined(separator: ", "))]\nstages:\n  - name: mine\n"
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        return try LWDataBinary.run(["build", pipeline, "--out", folder.file(out)])
    }

    /// Every reject record of an output folder.
    private func rejects(_ out: String) throws -> [[String: Any]] {
        try registeredLines(out, .reject).map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func binaryJunkAndInvalidUTF8AreRejectedLineByLineWithReasons() throws {
        let folder = TempFolder("bad-binary")
        var rng = SystemRandomNumberGenerator()
        // Random bytes (almost every line invalid UTF-8), then ASCII junk with NUL bytes, then one good line.
        var bytes = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes += Array("\n".utf8)
        for i in 0..<50 { bytes += [0, 0, 1, 0x50, 0x4B, 3, 4] + Array("junk \(i)\n".utf8) }
        bytes += Array("{\"prompt\": \"Write a poem about the sea.\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("junk.jsonl")))
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            .filter { !$0.allSatisfy { [0x20, 0x09, 0x0D].contains($0) } }.count

        let result = try build(["junk.jsonl"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("computed \(lines), reused 0, kept 1, rejected \(lines - 1)"), "\(result.stdout)")
        let rejected = try rejects(folder.file("out"))
        #expect(rejected.count == lines - 1)
        let reasons = Set(rejected.compactMap { $0["reason"] as? String })
        #expect(reasons.contains("invalid_utf8") && reasons.contains("binary"), "\(reasons)")
        #expect(reasons.isSubset(of: ["invalid_utf8", "binary", "invalid_json"]), "\(reasons)")
        for reject in rejected { #expect((reject["detail"] as? String)?.hasPrefix("junk.jsonl:") == true) }
    }

    @Test func aTenMegabyteLineIsRejectedAsTooLongAndTheOtherLinesAreKept() throws {
        let folder = TempFolder("bad-long")
        let huge = String(repeating: "many words ", count: 1_000_000)
        try "{\"prompt\": \"Write about rivers.\"}\n{\"prompt\": \"\(huge)\"}\n{\"prompt\": \"Write about lakes.\"}\n"
            .write(toFile: folder.file("long.jsonl"), atomically: true, encoding: .utf8)
        let result = try build(["long.jsonl"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("kept 2, rejected 1"), "\(result.stdout)")
        let rejected = try rejects(folder.file("out"))
        #expect(rejected.map { $0["reason"] as? String } == ["too_long"])
        #expect(rejected.allSatisfy { ($0["detail"] as? String)?.contains("characters, maximum 20000") == true })
        // The reject keeps an excerpt of the line, not all 10 MB of it.
        #expect(try registeredLines(folder.file("out"), .reject).allSatisfy { $0.utf8.count < 10_000 })
    }

    @Test func anEmptyInputFileIsReportedAndAddsNothing() throws {
        let folder = TempFolder("bad-empty")
        try Data().write(to: URL(fileURLWithPath: folder.file("empty.jsonl")))
        try runTool("zstd", ["-q", "-o", folder.file("empty.txt.zst")], stdin: Data())
        try "Write about the moon.\n".write(toFile: folder.file("one.txt"), atomically: true, encoding: .utf8)
        let result = try build(["empty.jsonl", "empty.txt.zst", "one.txt"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("input \(folder.file("empty.jsonl")) is empty: it adds nothing to the build"), "\(result.stderr)")
        #expect(result.stderr.contains("input \(folder.file("empty.txt.zst")) is empty"))
        #expect(!result.stderr.contains("one.txt"))
        #expect(result.stdout.contains("computed 1, reused 0, kept 1, rejected 0"))
    }

    @Test func aMissingInputFileIsAConfigurationErrorNamingIt() throws {
        let folder = TempFolder("bad-missing")
        for input in ["nothere.jsonl", "'nomatch-*.jsonl'"] {
            let result = try build([input], in: folder)
            #expect(result.status == 2)
            #expect(result.stderr.contains("p.yaml:2: inputs[0]: no input file at \(folder.path)/\(input.replacingOccurrences(of: "'", with: ""))"),
                    "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("out/manifest.sqlite")), "nothing was run")
        }
    }

    @Test func damagedCompressedInputsAreRejectedNamingTheLastGoodLineAndTheOtherInputsAreBuilt() throws {
        let folder = TempFolder("bad-zst")
        try "Write an essay about the sea and the ships that crossed it.\n".write(toFile: folder.file("good.txt"), atomically: true, encoding: .utf8)
        try Data([0x28, 0xB5, 0x2F, 0xFD] + Array("not a zstd frame at all".utf8)).write(to: URL(fileURLWithPath: folder.file("junk.jsonl.zst")))
        let corrupt = try build(["good.txt", "junk.jsonl.zst"], in: folder, out: "out-junk")
        #expect(corrupt.status == 2, "\(corrupt.stderr)")
        #expect(corrupt.stderr.contains("junk.jsonl.zst: corrupt after line 0, the last good line"), "\(corrupt.stderr)")
        #expect(try registeredLines(folder.file("out-junk"), .data).count == 1, "good.txt was built")

        // Enough text for several zstd blocks, so that half the stream holds whole lines.
        let text = (0..<40_000).map { "Write an essay about subject \($0) and its history." }.joined(separator: "\n")
        let compressed = try #require(try runToolData("zstd", ["-q", "-c"], stdin: Data(text.utf8)))
        try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: folder.file("cut.txt.zst")))
        let truncated = try build(["cut.txt.zst", "good.txt"], in: folder, out: "out-cut")
        #expect(truncated.status == 2, "\(truncated.stderr)")
        let line = try #require(truncated.stderr.firstMatch(of: #/cut\.txt\.zst: truncated: the compressed stream ends early after line (\d+), the last good line/#),
                                "\(truncated.stderr)")
        let lastGood = try #require(Int(line.1))
        #expect(lastGood > 0 && lastGood < 40_000)
        // The lines before the damage and the other input are built; the damage is one reject with its reason.
        let kept = try registeredLines(folder.file("out-cut"), .data)
        #expect(kept.count == lastGood + 1)
        let damage = try rejects(folder.file("out-cut")).filter { $0["reason"] as? String == "damaged_input" }
        #expect(damage.count == 1)
        #expect((damage.first?["detail"] as? String)?.hasPrefix("cut.txt.zst: truncated") == true)
        #expect((damage.first?["source"] as? [String: Any])?["last_good_line"] as? Int == lastGood)
        let manifest = try Manifest(directory: folder.file("out-cut"))
        let rejectShards = try manifest.shards(role: .reject).map { manifest.absolutePath($0.path) }
        #expect(try runTool("python3", [Repository.path("scripts/validate_records.py"), Repository.path("schemas/reject.schema.json")] + rejectShards).status == 0)
        let runs = try Manifest(directory: folder.file("out-cut")).runs()
        #expect(runs.last?.status == "succeeded")

        // A re-run reuses everything and still says the input is damaged.
        let again = try build(["cut.txt.zst", "good.txt"], in: folder, out: "out-cut")
        #expect(again.status == 2)
        #expect(again.stderr.contains("cut.txt.zst: truncated"), "\(again.stderr)")
        #expect(try registeredLines(folder.file("out-cut"), .data).count == lastGood + 1)
    }

    @Test(arguments: [
        ("name: t\ninputs: 5\nstages:\n  - name: mine\n", "w.yaml:2: inputs: expected a list, found number"),
        ("name: t\ninputs: [q.txt]\noutput:\n  zstd_level: high\nstages:\n  - name: mine\n", "w.yaml:4: output.zstd_level: expected an integer, found string"),
        ("name: t\ninputs: [q.txt]\nstages:\n  - name: mine\n    params: {min_chars: [1, 2]}\n", "w.yaml:5: stages[0].params.min_chars: expected an integer, found array"),
        ("name: t\ninputs: [q.txt]\nstages:\n  name: mine\n", "w.yaml:3: stages: expected a list, found object"),
        ("name: [t]\ninputs: [q.txt]\nstages:\n  - name: mine\n", "w.yaml:1: name: expected a string, found array"),
        ("name: t\ninputs: [q.txt]\nstages:\n  - name: mine\n    params: {languages: latin}\n", "w.yaml:5: stages[0].params.languages: expected a list, found string"),
        ("name: t\ninputs: [{path: 7}]\nstages:\n  - name: mine\n", "w.yaml:2: inputs[0].path: expected a string, found number"),
        ("name: t\ninputs: [q.txt]\nstages: [{name: mine, params: {min_chars: 2.5}}]\n", "w.yaml:3: stages[0].params.min_chars: expected an integer, found number"),
        ("name: t\ninputs: [q.txt]\nstages:\n  - name: mine\n    params: {limit: -3}\n", "w.yaml:5: stages[0].params.limit: -3 is out of range"),
        ("- a list\n- not a pipeline\n", "w.yaml:1: expected a mapping, found array"),
        ("name: t\n  bad indent: [\n", "w.yaml: not valid YAML"),
        ("", "w.yaml:1: the file is empty"),
    ])
    func aPipelineWithWrongTypesIsRefusedNamingTheKey(yaml: String, message: String) throws {
        let folder = TempFolder("bad-yaml")
        try "Write about the sea.\n".write(toFile: folder.file("q.txt"), atomically: true, encoding: .utf8)
        try yaml.write(toFile: folder.file("w.yaml"), atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["build", folder.file("w.yaml"), "--out", folder.file("out")])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("out")), "nothing was run")
    }

    @Test func aPipelineFileOfBinaryJunkOrInvalidUTF8IsRefused() throws {
        let folder = TempFolder("bad-yaml-bytes")
        var rng = SystemRandomNumberGenerator()
        let junk = Data((0..<3000).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let latin1 = Data("name: caf".utf8) + Data([0xE9]) + Data("\ninputs: [q.txt]\nstages:\n  - name: mine\n".utf8)
        for (name, bytes) in [("junk.yaml", junk), ("latin1.yaml", latin1)] {
            try bytes.write(to: URL(fileURLWithPath: folder.file(name)))
            let result = try LWDataBinary.run(["build", folder.file(name), "--out", folder.file("out")])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(name): cannot read the file (missing, unreadable or not UTF-8)"), "\(result.stderr)")
        }
    }
}

/// Runs a tool and returns its raw standard output (nil when it fails).
private func runToolData(_ tool: String, _ arguments: [String], stdin: Data) throws -> Data? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread { input.fileHandleForWriting.write(stdin); try? input.fileHandleForWriting.close() }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? data : nil
}
