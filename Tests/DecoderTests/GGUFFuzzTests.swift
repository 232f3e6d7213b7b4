import Foundation
import Testing
@testable import Decoder

/// Corrupts a copy of the real model's header in many seeded ways: every attempt must either
/// throw a `GGUFError` or load a file whose tensors all lie inside the mapping. A crash fails
/// the whole test run.
@Suite("GGUF fuzzing", .serialized)
struct GGUFFuzzTests {
    /// Opens `path`; when it loads, touches the first and last byte of every tensor so an
    /// out-of-range pointer would fault here.
    private static func openAndTouch(_ path: String) -> Bool {
        do {
            let file = try GGUFFile(path: path)
            var checksum: UInt8 = 0
            for tensor in file.tensors {
                let bytes = file.data(of: tensor)
                #expect(bytes.count == tensor.byteCount)
                checksum ^= bytes.first! ^ bytes.last!
            }
            _ = checksum
            return true
        } catch is GGUFError {
            return false
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
            return false
        }
    }

    @Test("seeded byte mutations of the header and tensor table throw or load, never crash")
    func mutatedHeaders() throws {
        let original = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        let headerEnd = original.dataOffset
        let directory = try TemporaryDirectory()
        let copy = directory.url.appendingPathComponent("mutated.gguf")
        try FileManager.default.copyItem(atPath: original.path, toPath: copy.path)
        let handle = try FileHandle(forUpdating: copy)
        defer { try? handle.close() }
        let pristine = try Data(contentsOf: URL(fileURLWithPath: original.path), options: .alwaysMapped).prefix(headerEnd)

        var random = SeededTestRandom(seed: 0x6767_7566)
        var loaded = 0, rejected = 0
        for _ in 0 ..< 300 {
            // Aim a third of the mutations at the fixed header, a third at the tensor table near
            // the end of the header, and the rest anywhere in the header (mostly vocabulary strings).
            let region: Range<Int>
            switch Int.random(in: 0 ..< 3, using: &random) {
            case 0: region = 0 ..< min(64, headerEnd)
            case 1: region = max(0, headerEnd - 20_000) ..< headerEnd
            default: region = 0 ..< headerEnd
            }
            let start = Int.random(in: region, using: &random)
            let length = min([1, 1, 2, 4, 8].randomElement(using: &random)!, headerEnd - start)
            var patch = [UInt8](pristine[start ..< start + length])
            switch Int.random(in: 0 ..< 4, using: &random) {
            case 0: patch[Int.random(in: 0 ..< length, using: &random)] ^= UInt8(1) << UInt8.random(in: 0 ..< 8, using: &random)
            case 1: patch = patch.map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            case 2: patch = [UInt8](repeating: 0xFF, count: length)
            default: patch = [UInt8](repeating: 0, count: length)
            }
            try handle.seek(toOffset: UInt64(start))
            try handle.write(contentsOf: patch)
            if Self.openAndTouch(copy.path) { loaded += 1 } else { rejected += 1 }
            try handle.seek(toOffset: UInt64(start))
            try handle.write(contentsOf: pristine[start ..< start + length])
        }
        #expect(loaded + rejected == 300)
        #expect(rejected > 0 && loaded > 0, "mutations should both break and spare the file (\(loaded) loaded)")
        #expect(Self.openAndTouch(copy.path), "restored copy must load again")
    }

    @Test("truncations at many offsets throw, the complete file loads")
    func truncations() throws {
        let original = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        let directory = try TemporaryDirectory()
        let copy = directory.url.appendingPathComponent("truncated.gguf")
        try FileManager.default.copyItem(atPath: original.path, toPath: copy.path)

        var random = SeededTestRandom(seed: 7)
        var offsets = Set(0 ..< 64)
        offsets.formUnion([original.dataOffset - 1, original.dataOffset, original.dataOffset + 1, original.fileSize - 1])
        for _ in 0 ..< 60 { offsets.insert(Int.random(in: 0 ..< original.dataOffset, using: &random)) }
        for _ in 0 ..< 20 { offsets.insert(Int.random(in: original.dataOffset ..< original.fileSize, using: &random)) }
        let tensorEnd = original.tensors.map { original.dataOffset + $0.offset + $0.byteCount }.max()!

        // Shrinking one copy from the longest cut to the shortest writes no new data.
        for length in offsets.sorted(by: >) {
            let handle = try FileHandle(forWritingTo: copy)
            try handle.truncate(atOffset: UInt64(length))
            try handle.close()
            let loads = Self.openAndTouch(copy.path)
            #expect(loads == (length >= tensorEnd), "cut at \(length) of \(original.fileSize)")
        }
    }

    @Test("an empty file and a file with the wrong magic are rejected")
    func emptyAndWrongMagic() throws {
        let directory = try TemporaryDirectory()
        let empty = directory.url.appendingPathComponent("empty.gguf")
        try Data().write(to: empty)
        #expect(throws: GGUFError.truncated(path: empty.path, context: "magic", offset: 0)) {
            try GGUFFile(path: empty.path)
        }
        let text = directory.url.appendingPathComponent("text.gguf")
        try Data("hello, this is not a model\n".utf8).write(to: text)
        #expect(throws: GGUFError.badMagic(path: text.path, found: Array("hell".utf8))) {
            try GGUFFile(path: text.path)
        }
    }
}
