import Store

/// `lwdata gc`: removes what no one refers to any more, under the output lock: shard files the
/// manifest does not register (left by killed builds), folders of unfinished publishes, and
/// releases beyond the `keep` newest (never the one `latest` names).
public enum ReleaseGarbageCollector {
    public static func collect(manifest: Manifest, keep: Int) throws -> ReleaseCollection {
        try OrphanSweeper.sweep(manifest: manifest)
        return try ReleaseCollector.collect(manifest: manifest, keep: keep)
    }
}
