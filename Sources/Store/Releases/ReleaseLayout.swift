/// Where releases live in an output folder:
///
/// ```
/// <out>/releases/<id>/release.json        the release: files with records, sizes, SHA-256
/// <out>/releases/<id>/<stage>/<shard>     hard links (or copies) of the dataset shards
/// <out>/latest -> releases/<id>           symlink, replaced atomically
/// ```
public struct ReleaseLayout: Sendable {
    /// The output folder.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public static let folderName = OutputLayout.releasesFolder
    public static let latestName = OutputLayout.latestName
    public static let descriptionName = "release.json"
    /// The dataset card (Hugging Face front matter and figures), written beside `release.json`.
    public static let cardName = "README.md"
    /// Suffix of a release folder still being filled.
    static let partialSuffix = ".partial"

    public var releasesFolder: String { directory + "/" + Self.folderName }
    public var latestLink: String { directory + "/" + Self.latestName }

    public func folder(of id: String) -> String { releasesFolder + "/" + id }
    func partialFolder(of id: String) -> String { folder(of: id) + Self.partialSuffix }
    public func description(of id: String) -> String { folder(of: id) + "/" + Self.descriptionName }

    /// The symlink's target for a release, relative to the output folder so the folder can move.
    static func latestTarget(of id: String) -> String { folderName + "/" + id }

    /// The release id `latest` names, nil when it is missing or not a release link.
    public func latestID() -> String? {
        guard let target = FileSystem.symlinkTarget(latestLink) else { return nil }
        let prefix = Self.folderName + "/"
        guard target.hasPrefix(prefix) else { return nil }
        let id = String(target.dropFirst(prefix.count))
        return id.isEmpty || id.contains("/") ? nil : id
    }
}
