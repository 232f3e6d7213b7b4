/// Brings the release folders and `latest` back in line with the manifest, which is the truth:
/// folders of releases that never got registered (a build killed while publishing) are removed,
/// and `latest` is pointed at the newest registered release. Runs only under the output lock.
public enum ReleaseSweeper {
    /// Returns the names of the folders it removed from `releases/`.
    @discardableResult
    public static func reconcile(_ manifest: Manifest) throws -> [String] {
        let layout = ReleaseLayout(directory: manifest.directory)
        let releases = try manifest.releases()
        let registered = Set(releases.map(\.id))
        var removed: [String] = []
        for name in FileSystem.entries(of: layout.releasesFolder) where !registered.contains(name) {
            try FileSystem.removeTree(layout.releasesFolder + "/" + name)
            removed.append(name)
        }
        if let newest = releases.last {
            if layout.latestID() != newest.id {
                try FileSystem.replaceSymlink(layout.latestLink, target: ReleaseLayout.latestTarget(of: newest.id))
            }
        } else if FileSystem.symlinkTarget(layout.latestLink) != nil {
            try FileSystem.removeTree(layout.latestLink)
        }
        return removed
    }
}
