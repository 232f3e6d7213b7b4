/// A GGUF model file, memory-mapped: the header (metadata and tensor table) is parsed
/// at init, tensor data stays in the mapping and is never copied.
///
/// Every read of the header is bounds-checked, and counts and lengths are checked against
/// the bytes left in the file before anything is allocated, so a corrupt or hostile file
/// throws a `GGUFError` instead of crashing or exhausting memory.
public final class GGUFFile: @unchecked Sendable {
    // @unchecked: parsed once at init; the mapped bytes are read-only afterwards.
    /// Path the file was opened from.
    public let path: String
    /// Format version (2 or 3).
    public let version: UInt32
    /// All metadata key/value pairs.
    public let metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// Alignment of tensor data (`general.alignment`, default 32).
    public let alignment: Int
    /// Byte offset of the data section from the start of the file.
    public let dataOffset: Int

    private let mapping: MappedFile
    private let tensorIndex: [String: Int]

    /// Largest array nesting accepted in metadata; real files use one level.
    static let maximumNesting = 8
    /// Longest tensor name accepted (GGML itself limits names to 63 bytes).
    static let maximumTensorNameLength: UInt64 = 256
    /// GGML tensors have at most four dimensions.
    static let maximumDimensions = 4

    /// Opens and maps `path`, parsing and validating the header and tensor table.
    public init(path: String) throws {
        self.path = path
        mapping = try MappedFile(path: path)
        var reader = GGUFReader(path: path, bytes: mapping.bytes)

        reader.context = "magic"
        guard mapping.count >= 4 else {
            throw GGUFError.truncated(path: path, context: "magic", offset: mapping.count)
        }
        let magic = Array(mapping.bytes[0 ..< 4])
        guard magic == Array("GGUF".utf8) else { throw GGUFError.badMagic(path: path, found: magic) }
        _ = try reader.read(UInt32.self)

        reader.context = "version"
        version = try reader.read(UInt32.self)
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(path: path, version: version) }

        reader.context = "header counts"
        let tensorCount = try reader.read(UInt64.self)
        let metadataCount = try reader.readCount("metadata count", minimumElementBytes: 13)

        var metadata: [String: GGUFValue] = [:]
        metadata.reserveCapacity(metadataCount)
        for index in 0 ..< metadataCount {
            reader.context = "metadata entry \(index)"
            let key = try reader.readString()
            reader.context = "metadata key '\(key)'"
            let type = try reader.read(UInt32.self)
            let value = try Self.readValue(type: type, key: key, depth: 0, reader: &reader)
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw GGUFError.duplicateKey(path: path, key: key)
            }
        }
        self.metadata = metadata

        alignment = try Self.alignment(in: metadata, path: path)

        reader.context = "tensor table"
        try reader.checkCount(tensorCount, "tensor count", minimumElementBytes: 24)
        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(Int(tensorCount))
        var index: [String: Int] = [:]
        for position in 0 ..< Int(tensorCount) {
            reader.context = "tensor info \(position)"
            let info = try Self.readTensorInfo(reader: &reader, path: path, alignment: alignment)
            guard index.updateValue(infos.count, forKey: info.name) == nil else {
                throw GGUFError.duplicateTensor(path: path, tensor: info.name)
            }
            infos.append(info)
        }
        tensors = infos
        tensorIndex = index

        reader.align(to: alignment)
        dataOffset = reader.offset
        for info in infos {
            let end = UInt64(dataOffset) + UInt64(info.offset) + UInt64(info.byteCount)
            guard end <= UInt64(mapping.count) else {
                throw GGUFError.tensorPastEndOfFile(path: path, tensor: info.name, end: end, fileSize: mapping.count)
            }
        }
    }

    /// The info of the tensor called `name`, if the file has one.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The bytes of `tensor`'s data inside the mapping (valid while this file is alive).
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: mapping.bytes[dataOffset + tensor.offset ..< dataOffset + tensor.offset + tensor.byteCount])
    }

    /// Size of the file in bytes.
    public var fileSize: Int { mapping.count }

    // MARK: - Parsing

    private static func readValue(type: UInt32, key: String, depth: Int, reader: inout GGUFReader) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try reader.read(UInt8.self))
        case 1: return .int8(try reader.read(Int8.self))
        case 2: return .uint16(try reader.read(UInt16.self))
        case 3: return .int16(try reader.read(Int16.self))
        case 4: return .uint32(try reader.read(UInt32.self))
        case 5: return .int32(try reader.read(Int32.self))
        case 6: return .float32(try reader.readFloat())
        case 7: return .bool(try reader.read(UInt8.self) != 0)
        case 8: return .string(try reader.readString())
        case 9:
            guard depth < maximumNesting else { throw GGUFError.nestingTooDeep(path: reader.path, key: key) }
            let elementType = try reader.read(UInt32.self)
            guard let elementBytes = minimumBytes(ofType: elementType) else {
                throw GGUFError.unknownValueType(path: reader.path, key: key, type: elementType)
            }
            let count = try reader.readCount("array length", minimumElementBytes: elementBytes)
            var elements: [GGUFValue] = []
            elements.reserveCapacity(count)
            for _ in 0 ..< count {
                elements.append(try readValue(type: elementType, key: key, depth: depth + 1, reader: &reader))
            }
            return .array(elements)
        case 10: return .uint64(try reader.read(UInt64.self))
        case 11: return .int64(try reader.read(Int64.self))
        case 12: return .float64(try reader.readDouble())
        default: throw GGUFError.unknownValueType(path: reader.path, key: key, type: type)
        }
    }

    /// Fewest bytes a value of metadata type `type` can occupy, or `nil` for an unknown type.
    private static func minimumBytes(ofType type: UInt32) -> Int? {
        switch type {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 8, 10, 11, 12: return 8
        case 9: return 12
        default: return nil
        }
    }

    private static func alignment(in metadata: [String: GGUFValue], path: String) throws -> Int {
        guard let value = metadata["general.alignment"] else { return 32 }
        guard let alignment = value.int, alignment > 0, alignment <= 1 << 30, alignment & (alignment - 1) == 0 else {
            throw GGUFError.invalidAlignment(path: path, value: value)
        }
        return alignment
    }

    private static func readTensorInfo(reader: inout GGUFReader, path: String, alignment: Int) throws -> GGUFTensorInfo {
        let name = try reader.readString(maximumLength: maximumTensorNameLength)
        reader.context = "tensor '\(name)'"
        let dimensionCount = try reader.read(UInt32.self)
        guard dimensionCount >= 1, dimensionCount <= UInt32(maximumDimensions) else {
            throw GGUFError.invalidShape(path: path, tensor: name, dimensions: [UInt64(dimensionCount)])
        }
        var rawDimensions: [UInt64] = []
        for _ in 0 ..< dimensionCount { rawDimensions.append(try reader.read(UInt64.self)) }
        let typeCode = try reader.read(UInt32.self)
        let offset = try reader.read(UInt64.self)

        guard let type = GGMLType(rawValue: typeCode) else {
            throw GGUFError.unknownTensorType(path: path, tensor: name, type: typeCode)
        }
        // Reject zero sizes and any shape whose byte count would overflow (and so could not fit in a file).
        var dimensions: [Int] = []
        var elements = 1
        for raw in rawDimensions {
            guard raw >= 1, raw <= UInt64(Int32.max) else {
                throw GGUFError.invalidShape(path: path, tensor: name, dimensions: rawDimensions)
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(raw))
            guard !overflow, product <= 1 << 48 else {
                throw GGUFError.invalidShape(path: path, tensor: name, dimensions: rawDimensions)
            }
            elements = product
            dimensions.append(Int(raw))
        }
        guard dimensions[0] % type.blockSize == 0 else {
            throw GGUFError.partialBlock(path: path, tensor: name, type: type, rowLength: dimensions[0])
        }
        guard offset % UInt64(alignment) == 0 else {
            throw GGUFError.misalignedTensor(path: path, tensor: name, offset: offset, alignment: alignment)
        }
        guard offset <= 1 << 48 else {
            throw GGUFError.tensorPastEndOfFile(path: path, tensor: name, end: offset, fileSize: reader.bytes.count)
        }
        let byteCount = elements / type.blockSize * type.blockBytes
        return GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: Int(offset), byteCount: byteCount)
    }
}
