import Foundation
import TestSupport
import Testing

/// The pipeline check reports every error of a file, each with its line, not only the first.
@Suite struct PipelineCheckTests {
    @Test func everyErrorOfAPipelineFileIsListedWithItsLine() throws {
        let folder = TempFolder("check-all")
        try "Write about the sea.\n".write(toFile: folder.file("q.txt"), atomically: true, encoding: .utf8)
        try """
        description: no name here
        inputs: [q.txt]
        output:
          zstd_level: high
        colour: blue
        stages:
          - name: mine
            params: {min_chars: [1, 2]}
        """.write(toFile: folder.file("w.yaml"), atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["build", folder.file("w.yaml"), "--out", folder.file("out")])
        #expect(result.status == 2)
        for expected in ["w.yaml:1: missing required key 'name'",
                         "w.yaml:4: output.zstd_level: expected an integer, found string",
                         "w.yaml:5: colour: unknown key 'colour'",
                         "w.yaml:8: stages[0].params.min_chars: expected an integer, found array"] {
            #expect(result.stderr.contains(expected), "missing \(expected) in:\n\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("out")), "nothing was run")
    }
}
