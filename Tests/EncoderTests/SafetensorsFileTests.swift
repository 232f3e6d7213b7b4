import Foundation
import Testing
import Decoder

@Suite("Safetensors reader")
struct SafetensorsFileTests {
    /// Writes `header` (JSON text, or raw bytes when `rawLength` overrides the length field) and `data`.
    private func write(_ header: String, data: [UInt8], rawLength: UInt64? = nil) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString).safetensors").path
        var bytes = withUnsafeBytes(of: (rawLength ?? UInt64(header.utf8.count)).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("F32, F16 and BF16 tensors decode to the same floats; the shape is checked")
    func decodesTypes() throws {
        // 1.5 and -2.0 in each encoding.
        let f32 = withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian) { Array($0) } + withUnsafeBytes(of: Float(-2).bitPattern.littleEndian) { Array($0) }
        let f16: [UInt8] = [0x00, 0x3E, 0x00, 0xC0]
        let bf16: [UInt8] = [0xC0, 0x3F, 0x00, 0xC0]
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]},"c":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]}}"#
        let path = try write(header, data: f32 + f16 + bf16)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafetensorsFile(path: path)
        #expect(try file.floats("a") == [1.5, -2])
        #expect(try file.floats("b", shape: [1, 2]) == [1.5, -2])
        #expect(try file.floats("c") == [1.5, -2])
        #expect(throws: EncoderError.badTensor(path: path, name: "a", reason: "shape [2], expected [3]")) { try file.floats("a", shape: [3]) }
        #expect(throws: EncoderError.missingTensor(path: path, name: "d")) { try file.floats("d") }
    }

    @Test("malformed files are refused with the reason")
    func malformed() throws {
        let cases: [(String, [UInt8], UInt64?, String)] = [
            ("{}", [], 4096, "header length 4096 exceeds the file (10 bytes)"),
            ("[1,2]", [], nil, "header is not a JSON object"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, Array(repeating: 0, count: 8), nil, "tensor a: bad dtype, shape or data_offsets"),
            (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, Array(repeating: 0, count: 8), nil, "tensor a: 8 bytes for shape [3] of F32"),
        ]
        for (header, data, length, reason) in cases {
            let path = try write(header, data: data, rawLength: length)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: EncoderError.malformedSafetensors(path: path, reason: reason)) { try SafetensorsFile(path: path) }
        }
    }
}
