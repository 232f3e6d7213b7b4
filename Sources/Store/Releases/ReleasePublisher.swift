import Foundation

/// The points between the steps of a publish, where a test may stop it as a crash would.
public enum PublishStep: String, Sendable, CaseIterable {
    case linked, described, renamed, registered
}

/// What `ReleasePublisher.publish` did.
public enum PublishOutcome: Sendable, Equatable {
    /// A new release, now `latest`.
    case published(Release)
    /// The dataset is the same as the newest release's, which stays `latest`.
    case unchanged(Release)
    /// The output folder holds no dataset shards (the pipeline has no export stage).
    case noDataset
}

/// Publishes the dataset shards of an output folder (the data shards under `dataset/`) as a
/// release. The steps are ordered so that a process killed at any point leaves the previous
/// `latest` whole:
///
/// 1. hard links (copies where links are refused) and `release.json` go into
///    `releases/<id>.partial/`, every file and folder fsynced;
/// 2. the folder is renamed to `releases/<id>/`;
/// 3. the release and its files are registered in the manifest, in one transaction;
/// 4. `latest` is swapped to the new folder by renaming a new symlink over it.
///
/// Whatever an interrupted publish leaves (a partial or unregistered folder, a `latest` one
/// release behind) is put right by `ReleaseSweeper.reconcile`, which the next publish and
/// `lwdata gc` run first. Call it only while holding the output lock.
public enum ReleasePublisher {
    static let datasetPrefix = "dataset/"

    /// Publishes a release named `id` unless the dataset equals the newest release's.
    /// `checkpoint` runs after each step (tests throw from it to stop a publish half-way).
    /// `card` writes the release's dataset card (`README.md`), part of the release like `release.json`.
    public static func publish(manifest: Manifest, id: String, runID: String, now: Date = Date(),
                               card: ((Release) throws -> String)? = nil,
                               checkpoint: (PublishStep) throws -> Void = { _ in }) throws -> PublishOutcome {
        let layout = ReleaseLayout(directory: manifest.directory)
        try ReleaseSweeper.reconcile(manifest)
        let shards = try manifest.shards(role: .data).filter { $0.path.hasPrefix(datasetPrefix) }
        guard !shards.isEmpty else { return .noDataset }
        let files = shards.map {
            ReleaseFile(path: String($0.path.dropFirst(datasetPrefix.count)), stage: $0.stage, records: $0.records,
                        bytes: $0.compressedBytes, sha256: $0.sha256)
        }
        let releases = try manifest.releases()
        if let newest = releases.last, newest.digest == Release.digest(of: files) { return .unchanged(newest) }
        if releases.contains(where: { $0.id == id }) { throw ReleaseError.exists(id: id) }

        let release = Release(id: id, runID: runID, createdAt: now.timeIntervalSince1970, files: files)
        let partial = layout.partialFolder(of: id)
        try FileSystem.removeTree(partial)
        try FileSystem.makeDirectories(partial)
        var folders: Set<String> = [partial]
        for (shard, file) in zip(shards, files) {
            let source = manifest.absolutePath(shard.path)
            let size = FileSystem.fileSize(source)
            guard size == shard.compressedBytes else {
                throw ReleaseError.shardChanged(path: shard.path, registeredBytes: shard.compressedBytes, bytesOnDisk: size)
            }
            let destination = partial + "/" + file.path
            let folder = FileSystem.parent(of: destination)
            if folders.insert(folder).inserted { try FileSystem.makeDirectories(folder) }
            try FileSystem.linkOrCopy(source, to: destination)
        }
        try checkpoint(.linked)
        try FileSystem.writeDurably(try release.json(), to: partial + "/" + ReleaseLayout.descriptionName)
        if let card { try FileSystem.writeDurably(Data(try card(release).utf8), to: partial + "/" + ReleaseLayout.cardName) }
        for folder in folders { try FileSystem.syncDirectory(folder) }
        try checkpoint(.described)
        if rename(partial, layout.folder(of: id)) != 0 {
            throw StoreError.io(path: layout.folder(of: id), operation: "rename", errno: errno)
        }
        try FileSystem.syncDirectory(layout.releasesFolder)
        try checkpoint(.renamed)
        try manifest.insertRelease(release)
        try checkpoint(.registered)
        try FileSystem.replaceSymlink(layout.latestLink, target: ReleaseLayout.latestTarget(of: id))
        return .published(release)
    }
}
