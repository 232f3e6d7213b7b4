import Foundation
import Store
import Testing
import TestSupport

/// `lwdata export` of releases built by the LongWriter recipe (stub server), read back with
/// Hugging Face `datasets` as a trainer would, and through the LLaMA-Factory entry.
@Suite(.serialized) struct ExportCommandTests {
    /// Loads exported files with `datasets` and prints rows, columns and the first row as JSON.
    static let load = """
        import json, sys
        from datasets import load_dataset
        files = sys.argv[1:]
        ds = load_dataset("json", data_files=files, split="train")
        print(json.dumps({"rows": len(ds), "columns": sorted(ds.column_names), "first": ds[0]}))
        """

    /// Reads a folder the way LLaMA-Factory reads a `dataset_info.json` entry: `file_name` relative
    /// to the file's folder, every file in it of one plain type, the entry's columns present.
    static let llamaFactory = """
        import json, os, sys
        from datasets import load_dataset
        root, name = sys.argv[1], sys.argv[2]
        entry = json.load(open(os.path.join(root, "dataset_info.json")))[name]
        local = os.path.join(root, entry["file_name"])
        files = [os.path.join(local, f) for f in sorted(os.listdir(local))] if os.path.isdir(local) else [local]
        types = {os.path.splitext(f)[1][1:] for f in files}
        assert types <= {"json", "jsonl"}, types
        ds = load_dataset("json", data_files=files, split="train")
        missing = [c for c in entry["columns"].values() if c not in ds.column_names]
        assert not missing, missing
        tags = entry.get("tags", {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt"})
        if entry.get("formatting") == "sharegpt":
            turns = ds[0][entry["columns"]["messages"]]
            assert [t[tags["role_tag"]] for t in turns] == [tags["user_tag"], tags["assistant_tag"]], turns
        print(json.dumps({"rows": len(ds), "formatting": entry.get("formatting", "alpaca")}))
        """

    static func python(_ script: String, _ arguments: [String]) throws -> [String: Any] {
        let (status, output) = try runTool("python3", ["-c", script] + arguments)
        #expect(status == 0, "\(output)")
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func dataFiles(_ folder: String) -> [String] {
        FileSystem.entries(of: folder + "/data").map { folder + "/data/" + $0 }
    }

    @Test func everyFormatLoadsInHuggingFaceDatasetsWithItsFields() throws {
        let folder = TempFolder("export")
        let recipe = try StubRecipe(folder: folder, topics: ["tea", "lighthouses", "bridges"])
        #expect(try recipe.build(["--quiet"]).status == 0)
        // The release's own records, the reference for every format.
        let latest = try #require(FileSystem.symlinkTarget(recipe.out + "/latest"))
        var originals: [[String: Any]] = []
        for file in FileSystem.entries(of: recipe.out + "/" + latest + "/export") {
            try LineReader(path: recipe.out + "/" + latest + "/export/" + file).forEach {
                originals.append(try JSONSerialization.jsonObject(with: Data($0!)) as! [String: Any])
            }
        }
        #expect(originals.count == 3)
        let messages = originals[0]["messages"] as! [[String: String]]

        let expected: [(format: String, columns: [String])] = [
            ("messages", ["messages"]), ("sharegpt", ["conversations"]), ("alpaca", ["input", "instruction", "output"]),
        ]
        for (format, columns) in expected {
            let to = folder.file("export-\(format)")
            let result = try LWDataBinary.run(["export", "--out", recipe.out, "--format", format, "--to", to])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("as \(format): 3 records"))
            let files = Self.dataFiles(to)
            #expect(!files.isEmpty && files.allSatisfy { $0.hasSuffix(".jsonl.zst") })
            let loaded = try Self.python(Self.load, files)
            #expect(loaded["rows"] as? Int == 3, "\(format)")
            #expect(loaded["columns"] as? [String] == columns, "\(format)")
            let first = try #require(loaded["first"] as? [String: Any])
            switch format {
            case "messages":
                #expect((first["messages"] as? [[String: String]]) == messages)
            case "sharegpt":
                let turns = try #require(first["conversations"] as? [[String: String]])
                #expect(turns == [["from": "human", "value": messages[0]["content"]!], ["from": "gpt", "value": messages[1]["content"]!]])
            default:
                #expect(first["instruction"] as? String == messages[0]["content"])
                #expect(first["input"] as? String == "")
                #expect(first["output"] as? String == messages[1]["content"])
            }
            let description = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: to + "/export.json"))) as! [String: Any]
            #expect(description["records"] as? Int == 3 && description["format"] as? String == format)
            #expect(!FileManager.default.fileExists(atPath: to + "/dataset_info.json"), "LLaMA-Factory cannot read .zst")
        }
    }

    @Test func plainExportsCarryALlamaFactoryEntryAndOlderReleasesExportToo() throws {
        let folder = TempFolder("export-lf")
        let recipe = try StubRecipe(folder: folder, topics: ["tea", "lighthouses"])
        #expect(try recipe.build(["--quiet"]).status == 0)
        let first = try #require(try Manifest(directory: recipe.out).releases().first)
        try recipe.setTopics(["tea", "lighthouses", "bridges"])
        #expect(try recipe.build(["--quiet"]).status == 0)

        for format in ["messages", "sharegpt", "alpaca"] {
            let to = folder.file("lf-\(format)")
            let result = try LWDataBinary.run(["export", "--out", recipe.out, "--format", format, "--compression", "none",
                                               "--to", to, "--name", "long_\(format)"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(Self.dataFiles(to).allSatisfy { $0.hasSuffix(".jsonl") })
            let read = try Self.python(Self.llamaFactory, [to, "long_\(format)"])
            #expect(read["rows"] as? Int == 3)
            #expect(read["formatting"] as? String == (format == "alpaca" ? "alpaca" : "sharegpt"))
            // The documented example holds the same entry (but where the files are).
            var written = try #require(Self.json(to + "/dataset_info.json")["long_\(format)"] as? [String: Any])
            var example = try #require(Self.json(Repository.path("examples/llama-factory/dataset_info.json"))["lwdata_\(format)"] as? [String: Any])
            written["file_name"] = nil
            example["file_name"] = nil
            #expect(NSDictionary(dictionary: written).isEqual(to: example), "\(written) vs \(example)")
        }

        // An older release by id, to the default folder; exporting again replaces that export.
        let old = try LWDataBinary.run(["export", "--out", recipe.out, "--release", first.id, "--format", "alpaca"])
        #expect(old.status == 0 && old.stdout.contains("2 records"), "\(old.stderr)")
        let defaultFolder = recipe.out + "/exports/\(first.id)-alpaca"
        #expect(try Self.python(Self.load, Self.dataFiles(defaultFolder))["rows"] as? Int == 2)
        #expect(try LWDataBinary.run(["export", "--out", recipe.out, "--release", first.id, "--format", "alpaca"]).status == 0)
        #expect(FileSystem.entries(of: recipe.out + "/exports") == ["\(first.id)-alpaca"])
    }

    @Test func exportRefusesWhatItCannotOrMustNotDo() throws {
        let folder = TempFolder("export-refuse")
        let recipe = try StubRecipe(folder: folder, topics: ["tea"])
        #expect(try recipe.build(["--quiet"]).status == 0)
        let occupied = folder.file("occupied")
        try FileSystem.makeDirectories(occupied)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: occupied + "/notes.txt"))
        let refused = try LWDataBinary.run(["export", "--out", recipe.out, "--format", "messages", "--to", occupied])
        #expect(refused.status == 1 && refused.stderr.contains("is not an lwdata export"))
        #expect(FileSystem.entries(of: occupied) == ["notes.txt"])
        #expect(try LWDataBinary.run(["export", "--out", recipe.out, "--format", "chatml"]).status == 2)
        #expect(try LWDataBinary.run(["export", "--out", recipe.out, "--format", "messages", "--release", "nope"]).status == 2)
        // A mine-only output folder has no dataset, hence no release.
        let mined = folder.file("mined")
        #expect(try LWDataBinary.run(["build", Repository.path("pipelines/mine.yaml"), "--out", mined, "--quiet"]).status == 0)
        let none = try LWDataBinary.run(["export", "--out", mined, "--format", "messages"])
        #expect(none.status == 2 && none.stderr.contains("has no release yet"))
        // A damaged release file is caught before anything is written.
        let latest = try #require(FileSystem.symlinkTarget(recipe.out + "/latest"))
        let file = recipe.out + "/" + latest + "/export/" + FileSystem.entries(of: recipe.out + "/" + latest + "/export")[0]
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        try FileManager.default.removeItem(atPath: file)
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let damaged = try LWDataBinary.run(["export", "--out", recipe.out, "--format", "messages", "--to", folder.file("x")])
        #expect(damaged.status == 1 && damaged.stderr.contains("differs from the manifest"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("x")))
    }
}
