/// Everything that can go wrong in the data plane, each naming the file it concerns.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case io(path: String, operation: String, errno: Int32)
    case zstd(path: String, message: String)
    case truncated(path: String, lines: Int, bytes: Int)
    case corrupt(path: String, lines: Int, bytes: Int, message: String)
    case busy(directory: String, holder: String)
    case manifest(path: String, message: String)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        case let .zstd(path, message):
            return "\(path): zstd: \(message)"
        case let .truncated(path, lines, bytes):
            return "\(path): truncated shard: the compressed stream ends early after \(lines) complete lines (\(bytes) bytes decompressed)"
        case let .corrupt(path, lines, bytes, message):
            return "\(path): corrupt shard after \(lines) complete lines (\(bytes) bytes decompressed): \(message)"
        case let .busy(directory, holder):
            return "\(directory) is in use by another lwdata build (\(holder)); it exits when done, try again later"
        case let .manifest(path, message):
            return "\(path): \(message)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
