import Foundation
import TestSupport
import Testing

/// Hostile pipeline files (alias bombs, deep nesting, huge scalars) are refused by the real binary
/// before anything is built: exit 2, the file, line and bound named, in little time and memory.
@Suite struct PipelineFileBoundsTests {
    /// A pipeline whose extra keys `l0`…`l<levels-1>` are lists naming the previous anchor nine times.
    static func aliasBomb(levels: Int) -> String {
        var text = "name: bomb\ninputs: [q.txt]\nstages:\n  - name: mine\n"
        text += "l0: &l0 [" + Array(repeating: "lol", count: 9).joined(separator: ", ") + "]\n"
        for level in 1..<levels {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        return text
    }

    struct Measured {
        var status: Int32
        var stderr: String
        var peakRSSMegabytes: Double
        var seconds: Double
    }

    /// Runs `lwdata build` on `yaml` under `/usr/bin/time`, which reports the child's peak RSS.
    func build(_ yaml: String, name: String) throws -> Measured {
        let folder = TempFolder("yaml-bounds")
        try "Write about the sea.\n".write(toFile: folder.file("q.txt"), atomically: true, encoding: .utf8)
        try yaml.write(toFile: folder.file(name), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M %e", "-o", folder.file("time.txt"),
                             LWDataBinary.path, "build", folder.file(name), "--out", folder.file("out")]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let figures = try String(contentsOfFile: folder.file("time.txt"), encoding: .utf8)
            .split(separator: "\n").last.map { $0.split(separator: " ") } ?? []
        #expect(!FileManager.default.fileExists(atPath: folder.file("out")), "nothing was built")
        return Measured(status: process.terminationStatus, stderr: stderr,
                        peakRSSMegabytes: (Double(figures.first ?? "") ?? .infinity) / 1024,
                        seconds: Double(figures.last ?? "") ?? .infinity)
    }

    @Test(arguments: [7, 8, 12])
    func aNestedAliasBombIsRefusedBeforeExpansion(levels: Int) throws {
        let result = try build(Self.aliasBomb(levels: levels), name: "bomb.yaml")
        #expect(result.status == 2, "\(result.stderr)")
        // l5 (line 10) is the first level past 100,000 nodes: 1 + 9 × 66,430.
        #expect(result.stderr.contains("bomb.yaml:10: the document expands to more than the bound of 100000 nodes"), "\(result.stderr)")
        #expect(result.peakRSSMegabytes < 100, "peak RSS \(result.peakRSSMegabytes) MB")
        #expect(result.seconds < 5, "\(result.seconds) s")
    }

    @Test func deepNestingIsRefusedNamingTheBound() throws {
        let yaml = "name: deep\ninputs: [q.txt]\nstages:\n  - name: mine\nx: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\n"
        let result = try build(yaml, name: "deep.yaml")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("deep.yaml:5: nesting is deeper than the bound of 64 levels"), "\(result.stderr)")
        #expect(result.peakRSSMegabytes < 100, "peak RSS \(result.peakRSSMegabytes) MB")
    }

    @Test func aHugeScalarIsRefusedNamingTheBound() throws {
        let yaml = "name: big\ninputs: [q.txt]\nstages:\n  - name: mine\n    params:\n      note: " + String(repeating: "x", count: 2 << 20) + "\n"
        let result = try build(yaml, name: "big.yaml")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("big.yaml:6: a scalar of 2097152 bytes is larger than the bound of 1048576 bytes"), "\(result.stderr)")
    }

    @Test func anAliasBelowTheBoundsStillWorks() throws {
        let folder = TempFolder("yaml-alias-ok")
        try "Write about the sea and its long history.\n".write(toFile: folder.file("q.txt"), atomically: true, encoding: .utf8)
        let yaml = "name: ok\ninputs: &in [q.txt]\nstages:\n  - name: mine\n    params: &p {min_chars: 5}\n"
        try yaml.write(toFile: folder.file("ok.yaml"), atomically: true, encoding: .utf8)
        let result = try LWDataBinary.run(["build", folder.file("ok.yaml"), "--out", folder.file("out"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
