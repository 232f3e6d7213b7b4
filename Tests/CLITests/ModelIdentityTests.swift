import Foundation
import Store
import TestSupport
import Testing

/// One model identity for stage keys and the request cache: a different GGUF under the same file
/// name re-runs the model stages AND gets fresh answers (the request cache once keyed the built-in
/// model by its file name only, so the second model was served the first one's cached answers).
@Suite struct ModelIdentityTests {
    static let defaultModel = ProcessInfo.processInfo.environment["LWDATA_MODEL"]
        ?? (ProcessInfo.processInfo.environment["LWDATA_CACHE"] ?? NSHomeDirectory() + "/.cache/lwdata") + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    /// Model calls recorded in an output folder's manifest (answers from the request cache are not calls).
    func modelCalls(_ out: String) throws -> Int {
        try Manifest(directory: out).usage().reduce(0) { $0 + $1.calls }
    }

    @Test func aDifferentModelUnderTheSameNameIsNotServedCachedAnswers() throws {
        let folder = TempFolder("model-identity")
        try FileManager.default.createDirectory(atPath: folder.file("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.file("b"), withIntermediateDirectories: true)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.defaultModel))
        try bytes.write(to: URL(fileURLWithPath: folder.file("a/model.gguf")))
        // The same weights with another `general.name`: a different file, so a different model identity.
        let name = Data("Smollm2 135M".utf8)
        let at = try #require(bytes.range(of: name, in: 0..<min(bytes.count, 1 << 16)))
        bytes[at.lowerBound + 6] = UInt8(ascii: "3")
        try bytes.write(to: URL(fileURLWithPath: folder.file("b/model.gguf")))

        try "Describe the history of tea cultivation in detail.\nWrite a short poem about rain.\n"
            .write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        let pipeline = folder.file("p.yaml")
        try """
            name: identity
            inputs: [{path: queries.txt, format: text}]
            stages:
              - name: mine
              - name: predict-length
                params: {min_words: 0, prompt_step1: \(Repository.path("pipelines/prompts/predict_length_step1.txt")), prompt_step2: \(Repository.path("pipelines/prompts/predict_length_step2.txt"))}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = folder.file("out")

        let first = try LWDataBinary.run(["build", pipeline, "--out", out, "--model", folder.file("a/model.gguf")])
        #expect(first.status == 0, "\(first.stderr)")
        let callsOfFirst = try modelCalls(out)
        #expect(callsOfFirst >= 2, "predict-length asks the model about each query")

        let second = try LWDataBinary.run(["build", pipeline, "--out", out, "--model", folder.file("b/model.gguf")])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try modelCalls(out) == 2 * callsOfFirst,
                "the second model answers every question itself; none comes from the first model's cache")
    }
}
