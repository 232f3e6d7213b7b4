/// The names and paths of everything in an output folder, in one place:
///
/// ```
/// <out>/manifest.sqlite                     the truth: runs, stages, shards, item cache keys
/// <out>/lwdata.lock                         held by the build that writes here
/// <out>/shards/<stage>/<run>-00000.jsonl.zst
/// <out>/rejects/<stage>/...                 what a filter dropped, with the reason
/// <out>/dataset/                            the export stage's training-ready shards
/// <out>/releases/<id>/                      published snapshots (see `ReleaseLayout`)
/// <out>/latest -> releases/<id>
/// <out>/report/                             `lwdata report`: index.html, report.json, SVGs
/// <out>/exports/<release>-<format>/         `lwdata export`'s default destination
/// ```
public struct OutputLayout: Sendable {
    /// The output folder.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public static let manifestName = "manifest.sqlite"
    public static let lockName = "lwdata.lock"
    /// Stages' data shards.
    public static let shardsFolder = "shards"
    /// What filters dropped.
    public static let rejectsFolder = "rejects"
    /// The export stage's shards.
    public static let datasetFolder = "dataset"
    public static let releasesFolder = "releases"
    public static let latestName = "latest"
    public static let reportFolder = "report"
    public static let exportsFolder = "exports"
    /// The folders that hold registered shard files.
    public static let shardFolders = [shardsFolder, rejectsFolder, datasetFolder]

    public var manifest: String { path(Self.manifestName) }
    public var lock: String { path(Self.lockName) }
    public var report: String { path(Self.reportFolder) }
    /// Where `lwdata export` writes a release in a format unless told otherwise.
    public func export(release: String, format: String) -> String { path(Self.exportsFolder) + "/\(release)-\(format)" }

    /// `relative` inside the output folder.
    public func path(_ relative: String) -> String { directory + "/" + relative }
}
