import Foundation
import GRDB

/// The manifest's record of published releases (schema v3): one row a release, one a file.
extension Manifest {
    /// Registers a release and its files in one transaction.
    public func insertRelease(_ release: Release) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO releases (id, run_id, created_at, files, records, bytes, digest) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [release.id, release.runID, release.createdAt, release.files.count, release.records,
                                 release.bytes, release.digest])
            let statement = try db.makeStatement(sql: """
                INSERT INTO release_files (release_id, path, stage, records, bytes, sha256) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for file in release.files {
                try statement.execute(arguments: [release.id, file.path, file.stage, file.records, file.bytes, file.sha256])
            }
        }
    }

    /// Every registered release, oldest first.
    public func releases() throws -> [Release] {
        try read { db in
            var files: [String: [ReleaseFile]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM release_files ORDER BY release_id, path") {
                files[row["release_id"], default: []].append(
                    ReleaseFile(path: row["path"], stage: row["stage"], records: row["records"], bytes: row["bytes"], sha256: row["sha256"]))
            }
            return try Row.fetchAll(db, sql: "SELECT id, run_id, created_at FROM releases ORDER BY created_at, id").map {
                Release(id: $0["id"], runID: $0["run_id"], createdAt: $0["created_at"], files: files[$0["id"]] ?? [])
            }
        }
    }

    /// Forgets releases (their rows and their files' rows) in one transaction.
    public func deleteReleases(ids: [String]) throws {
        guard !ids.isEmpty else { return }
        try write { db in
            for id in ids {
                try db.execute(sql: "DELETE FROM release_files WHERE release_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM releases WHERE id = ?", arguments: [id])
            }
        }
    }
}
