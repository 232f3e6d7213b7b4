import Foundation

/// A `.safetensors` file mapped read-only: an 8-byte little-endian header length, a JSON
/// header naming each tensor's `dtype`, `shape` and `data_offsets` (relative to the end of
/// the header), then the tensor bytes.
public final class SafetensorsFile: Sendable {
    /// One tensor's entry in the header.
    public struct TensorInfo: Sendable, Equatable {
        /// Element type as the header spells it (`F32`, `F16`, `BF16`, `I64`, …).
        public let dtype: String
        /// Dimensions, outermost first (row-major).
        public let shape: [Int]
        /// Byte range inside the data section.
        public let range: Range<Int>

        /// Number of elements.
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// Path the file was read from, for error messages.
    public let path: String
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    private let file: MappedFile
    private let dataOffset: Int

    /// Maps `path` and parses its header; throws `EncoderError` on a missing or malformed file.
    public init(path: String) throws {
        self.path = path
        do {
            file = try MappedFile(path: path)
        } catch {
            throw EncoderError.unreadable(path: path, reason: "\(error)")
        }
        let bytes = file.bytes
        guard bytes.count >= 8 else { throw EncoderError.malformedSafetensors(path: path, reason: "shorter than 8 bytes") }
        let headerLength = Int(bytes.loadUnaligned(as: UInt64.self).littleEndian)
        guard headerLength > 0, headerLength <= bytes.count - 8 else {
            throw EncoderError.malformedSafetensors(path: path, reason: "header length \(headerLength) exceeds the file (\(bytes.count) bytes)")
        }
        dataOffset = 8 + headerLength
        let header = Data(bytes[8 ..< dataOffset])
        guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw EncoderError.malformedSafetensors(path: path, reason: "header is not a JSON object")
        }
        let dataCount = bytes.count - dataOffset
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataCount, shape.allSatisfy({ $0 >= 0 }) else {
                throw EncoderError.malformedSafetensors(path: path, reason: "tensor \(name): bad dtype, shape or data_offsets")
            }
            let info = TensorInfo(dtype: dtype, shape: shape, range: offsets[0] ..< offsets[1])
            if let size = Self.elementSize(dtype), size * info.elementCount != info.range.count {
                throw EncoderError.malformedSafetensors(path: path, reason: "tensor \(name): \(info.range.count) bytes for shape \(shape) of \(dtype)")
            }
            tensors[name] = info
        }
        self.tensors = tensors
    }

    /// Bytes per element of a `dtype`, nil for a type this reader does not know.
    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    /// The elements of tensor `name` as floats (F32, F16 or BF16), checking its shape when
    /// `shape` is given.
    public func floats(_ name: String, shape: [Int]? = nil) throws -> [Float] {
        guard let info = tensors[name] else { throw EncoderError.missingTensor(path: path, name: name) }
        if let shape, shape != info.shape {
            throw EncoderError.badTensor(path: path, name: name, reason: "shape \(info.shape), expected \(shape)")
        }
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[(dataOffset + info.range.lowerBound) ..< (dataOffset + info.range.upperBound)])
        let count = info.elementCount
        switch info.dtype {
        case "F32":
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                _ = memcpy(buffer.baseAddress!, raw.baseAddress!, count * 4)
                initialized = count
            }
        case "F16":
            return (0 ..< count).map { HalfFloat.float(fromHalf: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian) }
        case "BF16":
            return (0 ..< count).map { HalfFloat.float(fromBFloat16: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian) }
        default:
            throw EncoderError.badTensor(path: path, name: name, reason: "element type \(info.dtype) is not F32, F16 or BF16")
        }
    }
}
