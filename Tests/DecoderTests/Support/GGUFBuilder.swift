import Foundation
@testable import Decoder

/// Writes small GGUF files byte by byte from the format specification, so the parser
/// can be checked against files whose every byte the test chose.
struct GGUFBuilder {
    struct Tensor {
        var name: String
        var dimensions: [UInt64]
        var typeCode: UInt32
        var data: [UInt8]
        /// Offset to write in the tensor info; `nil` lays tensors out one after another, aligned.
        var offset: UInt64? = nil
    }

    var version: UInt32 = 3
    var metadata: [(String, GGUFValue)] = []
    var tensors: [Tensor] = []
    var alignment = 32

    func bytes() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        append(version, to: &out)
        append(UInt64(tensors.count), to: &out)
        append(UInt64(metadata.count), to: &out)
        for (key, value) in metadata {
            appendString(key, to: &out)
            append(Self.typeCode(of: value), to: &out)
            appendValue(value, to: &out)
        }
        var offsets: [UInt64] = []
        var next: UInt64 = 0
        for tensor in tensors {
            let offset = tensor.offset ?? next
            offsets.append(offset)
            next = (offset + UInt64(tensor.data.count) + UInt64(alignment) - 1) / UInt64(alignment) * UInt64(alignment)
        }
        for (tensor, offset) in zip(tensors, offsets) {
            appendString(tensor.name, to: &out)
            append(UInt32(tensor.dimensions.count), to: &out)
            for dimension in tensor.dimensions { append(dimension, to: &out) }
            append(tensor.typeCode, to: &out)
            append(offset, to: &out)
        }
        while out.count % alignment != 0 { out.append(0) }
        let dataStart = out.count
        for (tensor, offset) in zip(tensors, offsets) {
            let start = dataStart + Int(offset)
            if out.count < start { out += [UInt8](repeating: 0, count: start - out.count) }
            out.replaceSubrange(start ..< min(out.count, start + tensor.data.count), with: tensor.data)
        }
        return out
    }

    /// Writes the file into `directory` and returns its path.
    func write(to directory: URL, name: String = "test.gguf") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes()).write(to: url)
        return url.path
    }

    static func typeCode(of value: GGUFValue) -> UInt32 {
        switch value {
        case .uint8: return 0
        case .int8: return 1
        case .uint16: return 2
        case .int16: return 3
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .array: return 9
        case .uint64: return 10
        case .int64: return 11
        case .float64: return 12
        }
    }

    private func appendValue(_ value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let v): appendString(v, to: &out)
        case .array(let elements):
            append(elements.first.map(Self.typeCode(of:)) ?? 0, to: &out)
            append(UInt64(elements.count), to: &out)
            for element in elements { appendValue(element, to: &out) }
        }
    }

    private func appendString(_ string: String, to out: inout [UInt8]) {
        append(UInt64(string.utf8.count), to: &out)
        out += Array(string.utf8)
    }

    private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }
}

/// A fresh temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lwdata-decoder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
