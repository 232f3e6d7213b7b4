import GRDB

/// What earlier runs recorded about each stage, for explaining what a build would redo.
extension Manifest {
    /// Each stage's own config hash as the most recent run that had the stage recorded it.
    public func lastConfigHashes() throws -> [String: String] {
        try readRows("""
            SELECT stages.name AS name, stages.config_hash AS hash FROM stages JOIN runs ON runs.id = stages.run_id
            ORDER BY runs.started_at, runs.id
            """, []).reduce(into: [:]) { result, row in result[row["name"]] = row["hash"] }
    }
}
