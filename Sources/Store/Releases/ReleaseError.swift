/// What can go wrong with releases, each naming the release or file concerned.
public enum ReleaseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A dataset shard's size on disk differs from the manifest: it changed after it was registered.
    case shardChanged(path: String, registeredBytes: Int, bytesOnDisk: Int?)
    /// A release with this id is registered already.
    case exists(id: String)
    /// No release with this id is registered.
    case unknown(id: String, known: [String])
    /// The output folder has no release yet.
    case none(directory: String)

    public var description: String {
        switch self {
        case let .shardChanged(path, registered, onDisk):
            return "\(path): \(onDisk.map { "\($0) bytes on disk" } ?? "missing"), \(registered) registered; run `lwdata verify`"
        case let .exists(id):
            return "release \(id) exists already"
        case let .unknown(id, known):
            return "no release \(id) (known: \(known.isEmpty ? "none" : known.suffix(5).joined(separator: ", ")))"
        case let .none(directory):
            return "\(directory) has no release yet: a successful build of a pipeline with an export stage publishes one"
        }
    }
}
