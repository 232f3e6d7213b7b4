import Foundation
import Store
import Testing
import TestSupport

/// Incremental builds and `build --dry-run` on the LongWriter recipe (stub OpenAI server): new
/// input lines compute only new items, a changed prompt recomputes its stage and the later ones,
/// and the dry run says so beforehand without loading a model, taking the lock or writing.
@Suite(.serialized) struct DryRunTests {
    /// A fingerprint of every file under a folder (path, size, SHA-256), but SQLite's `-wal` and
    /// `-shm` companions, which any reader of a WAL database may create.
    static func snapshot(_ folder: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var entries: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = folder + "/" + relative
            guard FileSystem.fileExists(path), !relative.hasSuffix("-wal"), !relative.hasSuffix("-shm") else { continue }
            entries.append("\(relative) \(FileSystem.fileSize(path) ?? -1) \(try FileSystem.sha256(ofFile: path))")
        }
        return entries.sorted()
    }

    @Test func newLinesComputeOnlyNewItemsAndAChangedPromptRecomputesFromItsStage() throws {
        let folder = TempFolder("dry-run")
        var topics = ["tea", "lighthouses", "bridges"]
        let recipe = try StubRecipe(folder: folder, topics: topics)
        let stages = ["mine", "predict-length", "plan", "write", "export"]

        let before = try recipe.build(["--dry-run"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(stageLine(before.stdout, "mine").contains("would compute 3, reuse 0 (first build 3)"))
        #expect(stageLine(before.stdout, "predict-length").contains("would compute 3, reuse 0 (first build 3)"))
        #expect(stageLine(before.stdout, "export").contains("would compute 3, reuse 0 (after earlier stages 3)"))
        #expect(!FileManager.default.fileExists(atPath: recipe.out), "a dry run creates nothing")
        #expect(recipe.server.requests == 0, "and calls no model")

        #expect(try recipe.build().status == 0)
        let callsForThree = recipe.server.requests
        #expect(callsForThree > 0)
        let unchanged = try recipe.build(["--dry-run"])
        for stage in stages { #expect(stageLine(unchanged.stdout, stage).contains("would compute 0, reuse 3"), "\(stage)") }
        #expect(unchanged.stdout.contains("nothing to compute"))

        // Two new input lines: the dry run and the build agree, and only the new items cost model calls.
        topics += ["glaciers", "printing presses"]
        try recipe.setTopics(topics)
        let files = try Self.snapshot(recipe.out)
        // The dry run needs no lock: it works while another process holds it.
        let lock = try OutputLock(directory: recipe.out, owner: "test")
        let added = try recipe.build(["--dry-run"])
        lock.release()
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try Self.snapshot(recipe.out) == files, "a dry run writes nothing")
        #expect(stageLine(added.stdout, "mine").contains("would compute 2, reuse 3 (new input 2)"))
        #expect(stageLine(added.stdout, "predict-length").contains("would compute 2, reuse 3 (new input 2)"))
        #expect(stageLine(added.stdout, "plan").contains("would compute 2, reuse 3 (after earlier stages 2)"))
        let build = try recipe.build()
        #expect(build.status == 0)
        for stage in stages { #expect(stageLine(build.stdout, stage).contains("computed 2, reused 3"), "\(stage): \(build.stdout)") }
        #expect(recipe.server.requests - callsForThree == callsForThree / 3 * 2, "model calls for the two new items only")

        // A changed plan prompt: plan and everything after it recompute, nothing before.
        let prompt = folder.file("prompts/plan_json.txt")
        try (try String(contentsOfFile: prompt, encoding: .utf8) + "\nKeep each main point short.\n").write(toFile: prompt, atomically: true, encoding: .utf8)
        let changed = try recipe.build(["--dry-run"])
        #expect(stageLine(changed.stdout, "mine").contains("would compute 0, reuse 5"))
        #expect(stageLine(changed.stdout, "predict-length").contains("would compute 0, reuse 5"))
        #expect(stageLine(changed.stdout, "plan").contains("would compute 5, reuse 0 (changed config/prompt/model of plan 5)"))
        #expect(stageLine(changed.stdout, "write").contains("would compute 5, reuse 0 (after earlier stages 5)"))
        let rebuilt = try recipe.build()
        #expect(stageLine(rebuilt.stdout, "predict-length").contains("computed 0, reused 5"))
        #expect(stageLine(rebuilt.stdout, "plan").contains("computed 5, reused 0"))
        #expect(stageLine(rebuilt.stdout, "export").contains("computed 5, reused 0"))
        #expect(try recipe.build(["--dry-run"]).stdout.contains("nothing to compute"))
    }

    @Test func aDryRunWithAnUnusableModelIsABadConfiguration() throws {
        let folder = TempFolder("dry-run-model")
        try FileManager.default.copyItem(atPath: Repository.path("pipelines/prompts"), toPath: folder.file("prompts"))
        let pipeline = folder.file("p.yaml")
        try "name: x\ninputs: [q.txt]\nmodel: {backend: builtin, path: /nonexistent/model.gguf}\nstages:\n  - name: mine\n  - name: predict-length\n"
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        try "Write a 3000-word report on rivers.\n".write(toFile: folder.file("q.txt"), atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["build", pipeline, "--out", folder.file("out"), "--dry-run"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/model.gguf"), "\(result.stderr)")
    }
}
