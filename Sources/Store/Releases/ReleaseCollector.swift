/// What `ReleaseCollector.collect` removed and kept.
public struct ReleaseCollection: Sendable, Equatable {
    /// Releases removed (rows and folders), oldest first.
    public var removed: [String]
    /// Releases kept, oldest first.
    public var kept: [String]
    /// Folders in `releases/` that no release row named (an interrupted publish).
    public var swept: [String]
    /// Bytes whose last link went away with the removed releases.
    public var freedBytes: Int
}

/// Removes old releases: keeps the `keep` newest and the one `latest` names, forgets the others
/// in the manifest first (one transaction), then deletes their folders. A shard still linked from
/// `dataset/` or a kept release stays on disk. Call it only while holding the output lock.
public enum ReleaseCollector {
    public static func collect(manifest: Manifest, keep: Int) throws -> ReleaseCollection {
        precondition(keep >= 0, "keep must not be negative")
        let layout = ReleaseLayout(directory: manifest.directory)
        let swept = try ReleaseSweeper.reconcile(manifest)
        let releases = try manifest.releases()
        var keptIDs = Set(releases.suffix(keep).map(\.id))
        if let latest = layout.latestID() { keptIDs.insert(latest) }
        let doomed = releases.filter { !keptIDs.contains($0.id) }
        let freed = freedBytes(layout: layout, removing: doomed)
        try manifest.deleteReleases(ids: doomed.map(\.id))
        for release in doomed { try FileSystem.removeTree(layout.folder(of: release.id)) }
        if !doomed.isEmpty { try FileSystem.syncDirectory(layout.releasesFolder) }
        return ReleaseCollection(removed: doomed.map(\.id), kept: releases.filter { keptIDs.contains($0.id) }.map(\.id),
                                 swept: swept, freedBytes: freed)
    }

    /// Bytes of the files whose every link lies in the releases about to be removed.
    private static func freedBytes(layout: ReleaseLayout, removing releases: [Release]) -> Int {
        var links: [String: (count: Int, links: Int, size: Int)] = [:]
        for release in releases {
            for path in [ReleaseLayout.descriptionName] + release.files.map(\.path) {
                guard let id = FileSystem.identity(of: layout.folder(of: release.id) + "/" + path) else { continue }
                let key = "\(id.device):\(id.inode)"
                links[key] = ((links[key]?.count ?? 0) + 1, id.links, id.size)
            }
        }
        return links.values.filter { $0.count >= $0.links }.reduce(0) { $0 + $1.size }
    }
}
