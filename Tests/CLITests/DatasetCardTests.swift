import Foundation
import Store
import TestSupport
import Testing

/// Each release carries a dataset card: Hugging Face front matter whose `configs` point at the
/// release's shards, read by `datasets.load_dataset(<release folder>)`, and the build's figures.
@Suite struct DatasetCardTests {
    @Test func theReleaseLoadsInHuggingFaceDatasetsThroughItsCard() throws {
        let folder = TempFolder("card")
        let recipe = try StubRecipe(folder: folder, topics: ["tea", "lighthouses", "bridges"])
        let yaml = try String(contentsOfFile: recipe.pipeline, encoding: .utf8)
        try yaml.replacingOccurrences(of: "name: stub-lw\n", with: "name: stub-lw\nlicense: apache-2.0\ndescription: Essays for a card test.\n")
            .write(toFile: recipe.pipeline, atomically: true, encoding: .utf8)
        let build = try recipe.build()
        #expect(build.status == 0, "\(build.stderr)")
        let release = try #require(try Manifest(directory: recipe.out).releases().last)
        let releaseFolder = recipe.out + "/releases/" + release.id
        let card = try String(contentsOfFile: releaseFolder + "/README.md", encoding: .utf8)
        #expect(card.hasPrefix("---\nlicense: apache-2.0\nlanguage:\n- en\n"), "\(card.prefix(300))")
        #expect(card.contains("task_categories:\n- text-generation") && card.contains("- n<1K"))
        for file in release.files { #expect(card.contains("    - \"\(file.path)\"")) }
        #expect(card.contains("| records | \(release.records) |") && card.contains("Essays for a card test."))
        #expect(card.contains("| quality score S_q | not judged |"), "the card says when nothing judged the content")

        let script = """
            import sys
            from datasets import load_dataset
            ds = load_dataset(sys.argv[1], split="train")
            print(len(ds), sorted(ds.column_names))
            """
        let loaded = try runTool("python3", ["-c", script, releaseFolder])
        #expect(loaded.status == 0)
        #expect(loaded.output.contains("\(release.records) ['id', 'messages', 'meta']"), "\(loaded.output)")
    }
}
