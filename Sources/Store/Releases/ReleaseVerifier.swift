import Foundation

/// A problem `verify` found with a release or with `latest`.
public struct ReleaseProblem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A release folder or one of its files is gone.
        case missing
        /// A file's size or SHA-256 differs from the manifest.
        case altered
        /// `release.json` is missing or disagrees with the manifest.
        case description
        /// `latest` is missing, dangling or not the newest release.
        case latest
        /// A folder in `releases/` no release row names (left by an interrupted publish).
        case unregistered
    }

    public var kind: Kind
    /// The path relative to the output folder.
    public var path: String
    public var detail: String

    /// Whether it damages a registered release (an unregistered folder or a `latest` one release
    /// behind is put right by the next build or `lwdata gc`).
    public var isSerious: Bool {
        switch kind {
        case .missing, .altered, .description: return true
        case .unregistered: return false
        case .latest: return !detail.hasPrefix(ReleaseVerifier.behindNote)
        }
    }
}

/// Re-hashes every release file against the manifest and checks `release.json` and `latest`.
/// A file linked from several releases is hashed once.
public enum ReleaseVerifier {
    static let behindNote = "one release behind"

    /// The number of release files checked and the problems found.
    public static func verify(_ manifest: Manifest) throws -> (checked: Int, problems: [ReleaseProblem]) {
        let layout = ReleaseLayout(directory: manifest.directory)
        let releases = try manifest.releases()
        var problems: [ReleaseProblem] = []
        var digests: [String: String] = [:]
        var checked = 0
        for release in releases {
            let base = ReleaseLayout.folderName + "/" + release.id
            guard FileManager.default.fileExists(atPath: layout.folder(of: release.id)) else {
                problems.append(ReleaseProblem(kind: .missing, path: base, detail: "the release folder is missing"))
                continue
            }
            if let data = FileManager.default.contents(atPath: layout.description(of: release.id)) {
                let described = try? JSONDecoder().decode(Release.self, from: data)
                if described != release {
                    problems.append(ReleaseProblem(kind: .description, path: base + "/" + ReleaseLayout.descriptionName,
                                                   detail: "does not match the manifest's record of the release"))
                }
            } else {
                problems.append(ReleaseProblem(kind: .description, path: base + "/" + ReleaseLayout.descriptionName,
                                               detail: "release.json is missing"))
            }
            for file in release.files {
                checked += 1
                let path = layout.folder(of: release.id) + "/" + file.path
                guard let id = FileSystem.identity(of: path) else {
                    problems.append(ReleaseProblem(kind: .missing, path: base + "/" + file.path, detail: "file is missing"))
                    continue
                }
                let key = "\(id.device):\(id.inode)"
                let digest = try digests[key] ?? FileSystem.sha256(ofFile: path)
                digests[key] = digest
                if id.size != file.bytes || digest != file.sha256 {
                    problems.append(ReleaseProblem(kind: .altered, path: base + "/" + file.path,
                                                   detail: "\(id.size) bytes, SHA-256 \(digest.prefix(16))…; registered \(file.bytes) bytes, \(file.sha256.prefix(16))…"))
                }
            }
        }
        let registered = Set(releases.map(\.id))
        for name in FileSystem.entries(of: layout.releasesFolder) where !registered.contains(name) {
            problems.append(ReleaseProblem(kind: .unregistered, path: ReleaseLayout.folderName + "/" + name,
                                           detail: "not in the manifest (left by an interrupted publish; the next build or `lwdata gc` removes it)"))
        }
        if let problem = latestProblem(layout, releases) { problems.append(problem) }
        return (checked, problems)
    }

    private static func latestProblem(_ layout: ReleaseLayout, _ releases: [Release]) -> ReleaseProblem? {
        guard let newest = releases.last else { return nil }
        guard let id = layout.latestID() else {
            return ReleaseProblem(kind: .latest, path: ReleaseLayout.latestName, detail: "missing or not a link to a release")
        }
        guard releases.contains(where: { $0.id == id }) else {
            return ReleaseProblem(kind: .latest, path: ReleaseLayout.latestName, detail: "points to \(id), which is not a registered release")
        }
        if id != newest.id {
            return ReleaseProblem(kind: .latest, path: ReleaseLayout.latestName,
                                  detail: "\(behindNote): points to \(id), the newest release is \(newest.id) (the next build or `lwdata gc` moves it)")
        }
        return nil
    }
}
