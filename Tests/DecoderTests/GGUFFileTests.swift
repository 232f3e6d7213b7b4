import Foundation
import Testing
@testable import Decoder

@Suite("GGUF file")
struct GGUFFileTests {
    @Test("reads every metadata value type, nested arrays and tensor infos of a hand-built file")
    func readsHandBuiltFile() throws {
        let directory = try TemporaryDirectory()
        var builder = GGUFBuilder()
        let values: [(String, GGUFValue)] = [
            ("u8", .uint8(200)), ("i8", .int8(-100)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
            ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)),
            ("u64", .uint64(UInt64.max)), ("i64", .int64(Int64.min)),
            ("f32", .float32(0.15625)), ("f64", .float64(-1e300)), ("yes", .bool(true)),
            ("name", .string("héllo ✓")), ("empty", .string("")),
            ("words", .array([.string("a"), .string("bc")])),
            ("numbers", .array([.int32(1), .int32(-2), .int32(3)])),
            ("nested", .array([.array([.uint8(1), .uint8(2)]), .array([.uint8(3)])])),
        ]
        builder.metadata = values
        builder.tensors = [
            .init(name: "a", dimensions: [4, 2], typeCode: 0, data: (0 ..< 32).map { UInt8($0) }),
            .init(name: "b", dimensions: [32], typeCode: 8, data: [UInt8](repeating: 7, count: 34)),
        ]
        let file = try GGUFFile(path: builder.write(to: directory.url))

        #expect(file.version == 3)
        #expect(file.metadata.count == values.count)
        for (key, value) in values { #expect(file.metadata[key] == value, "key \(key)") }
        #expect(file.metadata["u64"]?.int == nil)
        #expect(file.metadata["i64"]?.int == Int(Int64.min))
        #expect(file.metadata["u32"]?.int == 4_000_000_000)
        #expect(file.metadata["f32"]?.double == 0.15625)
        #expect(file.metadata["i16"]?.double == -30000)
        #expect(file.metadata["yes"]?.bool == true)
        #expect(file.metadata["words"]?.stringArray == ["a", "bc"])
        #expect(file.metadata["numbers"]?.intArray == [1, -2, 3])
        #expect(file.metadata["numbers"]?.stringArray == nil)
        #expect(file.alignment == 32)
        #expect(file.dataOffset % 32 == 0)

        let a = try #require(file.tensor(named: "a"))
        #expect(a.dimensions == [4, 2] && a.type == .f32 && a.rowLength == 4 && a.rowCount == 2 && a.byteCount == 32)
        #expect(Array(file.data(of: a)) == (0 ..< 32).map { UInt8($0) })
        let b = try #require(file.tensor(named: "b"))
        #expect(b.type == .q8_0 && b.byteCount == 34 && b.offset == 32)
        #expect(Array(file.data(of: b)) == [UInt8](repeating: 7, count: 34))
        #expect(file.tensor(named: "c") == nil)
    }

    @Test("reads version 2 and honours general.alignment")
    func readsVersionTwoWithAlignment() throws {
        let directory = try TemporaryDirectory()
        var builder = GGUFBuilder()
        builder.version = 2
        builder.alignment = 64
        builder.metadata = [("general.alignment", .uint32(64))]
        builder.tensors = [
            .init(name: "x", dimensions: [3], typeCode: 0, data: [UInt8](repeating: 1, count: 12)),
            .init(name: "y", dimensions: [2], typeCode: 1, data: [9, 9, 9, 9]),
        ]
        let file = try GGUFFile(path: builder.write(to: directory.url))
        #expect(file.version == 2)
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensor(named: "y")?.offset == 64)
        #expect(Array(file.data(of: try #require(file.tensor(named: "y")))) == [9, 9, 9, 9])
    }

    @Test("malformed headers throw errors naming the file and the key or tensor")
    func malformedHeadersThrow() throws {
        let directory = try TemporaryDirectory()
        func load(_ builder: GGUFBuilder, patch: (inout [UInt8]) -> Void = { _ in }) throws -> String {
            var bytes = builder.bytes()
            patch(&bytes)
            let url = directory.url.appendingPathComponent("bad-\(UUID().uuidString).gguf")
            try Data(bytes).write(to: url)
            return url.path
        }
        func error(_ path: String) -> GGUFError? {
            do { _ = try GGUFFile(path: path); return nil } catch { return error as? GGUFError }
        }

        var base = GGUFBuilder()
        base.tensors = [.init(name: "w", dimensions: [32, 2], typeCode: 8, data: [UInt8](repeating: 0, count: 68))]

        var version = base
        version.version = 1
        let versionPath = try load(version)
        #expect(error(versionPath) == .unsupportedVersion(path: versionPath, version: 1))

        let magicPath = try load(base) { $0[0] = UInt8(ascii: "X") }
        #expect(error(magicPath) == .badMagic(path: magicPath, found: Array("XGUF".utf8)))

        var unknownType = base
        unknownType.tensors[0].typeCode = 99
        let unknownTypePath = try load(unknownType)
        #expect(error(unknownTypePath) == .unknownTensorType(path: unknownTypePath, tensor: "w", type: 99))

        var pastEnd = base
        pastEnd.tensors[0].data = [UInt8](repeating: 0, count: 40)
        let pastEndPath = try load(pastEnd)
        guard case .tensorPastEndOfFile(pastEndPath, "w", _, _)? = error(pastEndPath) else {
            Issue.record("expected tensorPastEndOfFile, got \(String(describing: error(pastEndPath)))"); return
        }

        var misaligned = base
        misaligned.tensors[0].offset = 3
        let misalignedPath = try load(misaligned)
        #expect(error(misalignedPath) == .misalignedTensor(path: misalignedPath, tensor: "w", offset: 3, alignment: 32))

        var partial = base
        partial.tensors[0].dimensions = [16, 2]
        let partialPath = try load(partial)
        #expect(error(partialPath) == .partialBlock(path: partialPath, tensor: "w", type: .q8_0, rowLength: 16))

        var badValueType = base
        badValueType.metadata = [("general.name", .string("m"))]
        let badValuePath = try load(badValueType) { bytes in
            // The value type follows magic, version, two counts and the key (8-byte length + 12 bytes).
            bytes[24 + 8 + 12] = 42
        }
        #expect(error(badValuePath) == .unknownValueType(path: badValuePath, key: "general.name", type: 42))

        var hugeString = base
        hugeString.metadata = [("general.name", .string("m"))]
        let hugeStringPath = try load(hugeString) { bytes in
            for i in 0 ..< 8 { bytes[24 + 8 + 12 + 4 + i] = 0xFF }
        }
        guard case .implausibleCount(hugeStringPath, let context, UInt64.max)? = error(hugeStringPath),
              context.contains("general.name") else {
            Issue.record("expected implausibleCount naming the key, got \(String(describing: error(hugeStringPath)))"); return
        }

        let hugeCountPath = try load(base) { bytes in
            for i in 0 ..< 8 { bytes[16 + i] = 0xEE }
        }
        guard case .implausibleCount(hugeCountPath, _, _)? = error(hugeCountPath) else {
            Issue.record("expected implausibleCount, got \(String(describing: error(hugeCountPath)))"); return
        }

        let truncatedPath = try load(base) { bytes in bytes.removeLast(bytes.count - 30) }
        guard case .truncated(truncatedPath, _, 30)? = error(truncatedPath) else {
            Issue.record("expected truncated, got \(String(describing: error(truncatedPath)))"); return
        }

        let emptyPath = try load(base) { $0 = [] }
        #expect(error(emptyPath) == .truncated(path: emptyPath, context: "magic", offset: 0))

        let missing = directory.url.appendingPathComponent("missing.gguf").path
        guard case .unreadable(missing, _)? = error(missing) else {
            Issue.record("expected unreadable for a missing file"); return
        }
        #expect(error(missing)?.description.contains(missing) == true)
    }

    @Test("the default model's header agrees with its tensor shapes")
    func readsRealModel() throws {
        let file = try #require(TestModel.file, "default model missing at \(TestModel.path)")
        #expect(file.version == 3)
        #expect(file.metadata["general.architecture"]?.string == "llama")
        let width = try #require(file.metadata["llama.embedding_length"]?.int)
        let layers = try #require(file.metadata["llama.block_count"]?.int)
        let tokens = try #require(file.metadata["tokenizer.ggml.tokens"]?.stringArray)
        let embedding = try #require(file.tensor(named: "token_embd.weight"))
        #expect(embedding.dimensions == [width, tokens.count])
        for layer in 0 ..< layers {
            #expect(file.tensor(named: "blk.\(layer).attn_norm.weight")?.dimensions == [width])
        }
        #expect(file.tensor(named: "blk.\(layers).attn_norm.weight") == nil)
        // Tensors tile the data section: each one ends before the next begins, the last within the file.
        let ordered = file.tensors.sorted { $0.offset < $1.offset }
        for (current, next) in zip(ordered, ordered.dropFirst()) {
            #expect(current.offset + current.byteCount <= next.offset, "\(current.name) overlaps \(next.name)")
        }
        let last = try #require(ordered.last)
        #expect(file.dataOffset + last.offset + last.byteCount <= file.fileSize)
        #expect(file.fileSize - (file.dataOffset + last.offset + last.byteCount) < file.alignment)
    }
}
