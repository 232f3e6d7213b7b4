import Foundation
import Testing
@testable import Decoder

/// The type names in unsupported-type errors, against gguf-py's `GGMLQuantizationType`.
@Suite("GGML type names")
struct GGMLTypeNameTests {
    /// gguf-py's code → name table (the package the Qwen2 fixture script uses).
    static func ggufPyNames() throws -> [UInt32: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import gguf, json; print(json.dumps({t.value: t.name for t in gguf.GGMLQuantizationType}))"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with gguf is needed (see scripts/test.sh)")
        let names = try JSONDecoder().decode([String: String].self, from: printed)
        return Dictionary(uniqueKeysWithValues: names.map { (UInt32($0.key)!, $0.value) })
    }

    @Test("every code gguf-py names has that name, and the decoder's own types agree with the table")
    func namesMatchGGUFPy() throws {
        let names = try Self.ggufPyNames()
        #expect(names.count >= 30)
        for (code, name) in names {
            #expect(GGMLTypeName.describe(code) == name, "code \(code)")
        }
        for type in GGMLType.allCases {
            #expect(GGMLTypeName.describe(type.rawValue) == type.description)
        }
    }

    @Test("retired and never-assigned codes are described as such")
    func retiredAndUnknownCodes() {
        #expect(GGMLTypeName.describe(4) == "Q4_2, removed from ggml")
        #expect(GGMLTypeName.describe(31) == "Q4_0_4_4, removed from ggml")
        #expect(GGMLTypeName.describe(99) == "not a GGML type")
        let message = GGUFError.unknownTensorType(path: "m.gguf", tensor: "w", type: 99).description
        #expect(message.hasPrefix("m.gguf: tensor 'w' has unsupported type 99 (not a GGML type); this decoder reads F32, F16, Q4_0"))
    }
}
