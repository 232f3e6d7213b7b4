import Foundation

/// Why a GGUF file could not be opened. Every case names the file and, where it applies,
/// the metadata key or tensor being read.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped (`reason` is the system's message).
    case unreadable(path: String, reason: String)
    /// The file does not start with the four bytes `GGUF`.
    case badMagic(path: String, found: [UInt8])
    /// The file's format version is not 2 or 3.
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ended while `context` was being read at byte `offset`.
    case truncated(path: String, context: String, offset: Int)
    /// A count or length in the header is larger than the file could possibly hold.
    case implausibleCount(path: String, context: String, count: UInt64)
    /// A metadata value has a type code outside 0...12.
    case unknownValueType(path: String, key: String, type: UInt32)
    /// Arrays are nested deeper than any real file needs.
    case nestingTooDeep(path: String, key: String)
    /// The same metadata key appears twice.
    case duplicateKey(path: String, key: String)
    /// `general.alignment` is not a positive power of two.
    case invalidAlignment(path: String, value: GGUFValue)
    /// A tensor has more dimensions than GGML supports, or a zero/overflowing shape.
    case invalidShape(path: String, tensor: String, dimensions: [UInt64])
    /// A tensor's type code is not one this decoder reads (the message names the type and
    /// lists the ones it reads).
    case unknownTensorType(path: String, tensor: String, type: UInt32)
    /// A tensor's contiguous dimension is not a whole number of its type's blocks.
    case partialBlock(path: String, tensor: String, type: GGMLType, rowLength: Int)
    /// A tensor's data offset is not a multiple of the file's alignment.
    case misalignedTensor(path: String, tensor: String, offset: UInt64, alignment: Int)
    /// A tensor's data would run past the end of the file.
    case tensorPastEndOfFile(path: String, tensor: String, end: UInt64, fileSize: Int)
    /// The same tensor name appears twice.
    case duplicateTensor(path: String, tensor: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot open GGUF file: \(reason)"
        case .badMagic(let path, let found):
            let hex = found.map { String($0, radix: 16) }.joined(separator: " ")
            return "\(path): not a GGUF file (magic bytes \(hex), expected 47 47 55 46)"
        case .unsupportedVersion(let path, let version):
            return "\(path): GGUF version \(version) is not supported (only 2 and 3)"
        case .truncated(let path, let context, let offset):
            return "\(path): file is truncated: it ends at byte \(offset) while reading \(context)"
        case .implausibleCount(let path, let context, let count):
            return "\(path): \(context) is \(count), more than the file can hold (corrupt header?)"
        case .unknownValueType(let path, let key, let type):
            return "\(path): metadata key '\(key)' has unknown value type \(type)"
        case .nestingTooDeep(let path, let key):
            return "\(path): metadata key '\(key)' has arrays nested too deeply"
        case .duplicateKey(let path, let key):
            return "\(path): metadata key '\(key)' appears more than once"
        case .invalidAlignment(let path, let value):
            return "\(path): general.alignment \(value) is not a positive power of two"
        case .invalidShape(let path, let tensor, let dimensions):
            return "\(path): tensor '\(tensor)' has invalid shape \(dimensions)"
        case .unknownTensorType(let path, let tensor, let type):
            return "\(path): tensor '\(tensor)' has unsupported type \(type) (\(GGMLTypeName.describe(type))); "
                + "this decoder reads \(GGMLTypeName.supported)"
        case .partialBlock(let path, let tensor, let type, let rowLength):
            return "\(path): tensor '\(tensor)' row length \(rowLength) is not a multiple of the \(type) block size \(type.blockSize)"
        case .misalignedTensor(let path, let tensor, let offset, let alignment):
            return "\(path): tensor '\(tensor)' data offset \(offset) is not aligned to \(alignment)"
        case .tensorPastEndOfFile(let path, let tensor, let end, let fileSize):
            return "\(path): tensor '\(tensor)' data ends at byte \(end), past the end of the file (\(fileSize) bytes)"
        case .duplicateTensor(let path, let tensor):
            return "\(path): tensor '\(tensor)' appears more than once"
        }
    }
}

extension GGUFError: LocalizedError {
    public var errorDescription: String? { description }
}
