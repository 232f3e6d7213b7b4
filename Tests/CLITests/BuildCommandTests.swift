import Foundation
import TestSupport
import Store
import Testing

/// Drives the real `lwdata` binary as a user would.
@Suite(.serialized) struct BuildCommandTests {
    @Test func helpAndVersion() throws {
        let help = try LWDataBinary.run(["--help"])
        #expect(help.status == 0)
        for command in ["build", "status", "inspect", "verify", "bench"] { #expect(help.stdout.contains(command)) }
        #expect(try LWDataBinary.run(["--version"]).stdout.contains("0.1.0"))
    }

    @Test func buildVerifyAndDetectAnAlteredShard() throws {
        let folder = TempFolder("cli-build")
        let out = folder.file("out")
        let build = try LWDataBinary.run(["build", Repository.path("pipelines/mine.yaml"), "--out", out])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stdout.contains("kept 334, rejected 6"))

        let manifest = try Manifest(directory: out)
        let shards = try manifest.shards()
        #expect(shards.count == 2)
        for shard in shards { #expect(try runTool("zstd", ["-q", "-t", manifest.absolutePath(shard.path)]).status == 0) }

        let status = try LWDataBinary.run(["status", "--out", out])
        #expect(status.stdout.contains("mine: duplicate: 6"))
        let json = try LWDataBinary.run(["status", "--out", out, "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((parsed?["shards"] as? [Any])?.count == 2)

        let inspect = try LWDataBinary.run(["inspect", manifest.absolutePath(shards[0].path), "--limit", "3"])
        #expect(inspect.stdout.split(separator: "\n").count == 3)

        #expect(try LWDataBinary.run(["verify", "--out", out]).status == 0)
        let victim = try #require(shards.first { $0.role == .data })
        let path = manifest.absolutePath(victim.path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let verify = try LWDataBinary.run(["verify", "--out", out])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("altered: \(victim.path)"))
    }

    @Test func outputsValidateAgainstTheSchemasAndLoadInPython() throws {
        let folder = TempFolder("cli-schema")
        let out = folder.file("out")
        #expect(try LWDataBinary.run(["build", Repository.path("pipelines/mine.yaml"), "--out", out]).status == 0)
        let manifest = try Manifest(directory: out)
        let data = try manifest.shards(role: .data).map { manifest.absolutePath($0.path) }
        let rejects = try manifest.shards(role: .reject).map { manifest.absolutePath($0.path) }
        let script = Repository.path("scripts/validate_records.py")
        #expect(try runTool("python3", [script, Repository.path("schemas/query.schema.json")] + data).status == 0)
        #expect(try runTool("python3", [script, Repository.path("schemas/reject.schema.json")] + rejects).status == 0)
        let pipelines = try FileManager.default.contentsOfDirectory(atPath: Repository.path("pipelines"))
            .filter { $0.hasSuffix(".yaml") }.map { Repository.path("pipelines/" + $0) }
        #expect(try runTool("python3", [script, Repository.path("schemas/pipeline.schema.json")] + pipelines).status == 0)
        // The schema itself must reject what the loader rejects.
        let bad = folder.file("bad.yaml")
        try "name: x\nstages:\n  - name: mine\n    params: {min_char: 1}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(try runTool("python3", [script, Repository.path("schemas/pipeline.schema.json"), bad]).status == 1)

        // Hugging Face datasets reads the shards as they are.
        let load = """
            import sys
            from datasets import load_dataset
            ds = load_dataset("json", data_files=sys.argv[1:], split="train")
            print(len(ds), sorted(ds.column_names))
            """
        let (status, output) = try runTool("python3", ["-c", load] + data)
        #expect(status == 0)
        #expect(output.contains("334 ['id', 'input_length', 'kind', 'language', 'query', 'source']"))
    }

    @Test func badPipelineExitsWithConfigurationErrorNamingTheKey() throws {
        let folder = TempFolder("cli-bad")
        let file = folder.file("p.yaml")
        try "name: x\ninputs: [a.txt]\nstages:\n  - name: mine\n    concurrency: many\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["build", file, "--out", folder.file("out")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("p.yaml:5: stages[0].concurrency: expected an integer, found string"))
        let missing = try LWDataBinary.run(["build", folder.file("nope.yaml"), "--out", folder.file("out")])
        #expect(missing.status == 2 && missing.stderr.contains("nope.yaml"))
    }

    @Test func aSecondBuildOnTheSameOutputIsRefused() throws {
        let folder = TempFolder("cli-lock")
        let pipeline = try writeLargeInput(in: folder, lines: 80_000, shardRecords: 5000)
        let out = folder.file("out")
        let first = try LWDataBinary.start(["build", pipeline, "--out", out, "--quiet"])
        defer { if first.isRunning { first.terminate() } }
        // Wait until the first build holds the lock (it writes its pid into the lock file).
        let deadline = Date().addingTimeInterval(60)
        while ((try? String(contentsOfFile: out + "/lwdata.lock", encoding: .utf8)) ?? "").isEmpty && Date() < deadline { usleep(10_000) }
        let second = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(first.isRunning, "the first build should still be running")
        #expect(second.status == 75)
        #expect(second.stderr.contains("in use by another lwdata build"))
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
    }

    @Test func sigtermFinishesOpenShardsAndTheNextBuildResumes() throws {
        let folder = TempFolder("cli-term")
        let pipeline = try writeLargeInput(in: folder, lines: 80_000, shardRecords: 100_000)
        let out = folder.file("out")
        let build = try LWDataBinary.start(["build", pipeline, "--out", out, "--quiet"])
        // Wait until the build is writing its first (still unfinished) shard.
        let deadline = Date().addingTimeInterval(60)
        func writing() -> Bool {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: out + "/shards/mine")) ?? []
            return files.contains { $0.hasSuffix(".tmp") }
        }
        while !writing() && build.isRunning && Date() < deadline { usleep(5_000) }
        usleep(200_000)
        build.terminate()
        build.waitUntilExit()
        #expect(build.terminationStatus == 130)
        let partial = try registeredLines(out, .data)
        #expect(!partial.isEmpty, "the open shard is finalised on SIGTERM")
        #expect(try LWDataBinary.run(["verify", "--out", out]).status == 0)
        let resumed = try LWDataBinary.run(["build", pipeline, "--out", out])
        #expect(resumed.status == 0)
        #expect(!resumed.stdout.contains("reused 0,"))
        let reference = folder.file("reference")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", reference, "--quiet"]).status == 0)
        #expect(try registeredLines(out, .data) == (try registeredLines(reference, .data)))
    }
}
