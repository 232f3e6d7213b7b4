import Store

/// Reads back the stored outputs of items finished by an earlier run, so that later stages can
/// still receive them. Keeps the most recently read shard in memory: items are usually asked
/// for in the order they were written.
public final class RecordLoader: @unchecked Sendable {
    // @unchecked: the cached shard is guarded by `lock`.
    private let manifest: Manifest
    private var cachedPath: String?
    private var cachedLines: [[UInt8]] = []
    private let lock = NSLock()

    public init(manifest: Manifest) { self.manifest = manifest }

    /// The stored records of a finished item (rejections excluded).
    public func records(of items: [CachedItem]) throws -> [Record] {
        try lock.withLock {
            try items.filter { !$0.rejected }.map { item in
                if cachedPath != item.shardPath {
                    let reader = try LineReader(path: manifest.absolutePath(item.shardPath))
                    var lines: [[UInt8]] = []
                    try reader.forEach { lines.append($0 ?? []) }
                    cachedLines = lines
                    cachedPath = item.shardPath
                }
                guard item.line < cachedLines.count else {
                    throw PipelineError.stage(name: "resume", message: "\(item.shardPath) has no line \(item.line + 1); run `lwdata verify`")
                }
                return try Record(line: cachedLines[item.line])
            }
        }
    }
}

import Foundation
