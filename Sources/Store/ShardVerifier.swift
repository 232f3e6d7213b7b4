import Foundation

/// A problem `verify` found with one shard.
public struct ShardProblem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case missing, truncated, altered, unregistered }
    public var kind: Kind
    public var path: String
    public var detail: String
}

/// Re-hashes every registered shard against the manifest.
public enum ShardVerifier {
    /// Problems found; unregistered files under shards/ and rejects/ are listed too.
    public static func verify(_ manifest: Manifest) throws -> (checked: Int, problems: [ShardProblem]) {
        var problems: [ShardProblem] = []
        let shards = try manifest.shards()
        for shard in shards {
            let path = manifest.absolutePath(shard.path)
            guard let size = FileSystem.fileSize(path) else {
                problems.append(ShardProblem(kind: .missing, path: shard.path, detail: "file is missing"))
                continue
            }
            if size < shard.compressedBytes {
                problems.append(ShardProblem(kind: .truncated, path: shard.path,
                                             detail: "\(size) bytes on disk, \(shard.compressedBytes) registered"))
                continue
            }
            let digest = try FileSystem.sha256(ofFile: path)
            if size != shard.compressedBytes || digest != shard.sha256 {
                problems.append(ShardProblem(kind: .altered, path: shard.path,
                                             detail: "SHA-256 \(digest.prefix(16))… differs from the registered \(shard.sha256.prefix(16))…"))
            }
        }
        let registered = Set(shards.map(\.path))
        for folder in OutputLayout.shardFolders {
            guard let walker = FileManager.default.enumerator(atPath: manifest.directory + "/" + folder) else { continue }
            while let relative = walker.nextObject() as? String {
                let path = folder + "/" + relative
                if relative.hasSuffix(".jsonl.zst") && !registered.contains(path) {
                    problems.append(ShardProblem(kind: .unregistered, path: path,
                                                 detail: "not in the manifest (left by an interrupted build; the next build removes it)"))
                }
            }
        }
        return (shards.count, problems)
    }
}
