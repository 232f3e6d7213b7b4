import GRDB

/// The manifest's versioned migrations. Append new ones; never edit a released one.
enum ManifestSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs-shards-items") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY,
                    pipeline TEXT NOT NULL,
                    pipeline_hash TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    status TEXT NOT NULL,
                    message TEXT
                );
                CREATE TABLE stages (
                    run_id TEXT NOT NULL REFERENCES runs(id),
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    config_hash TEXT NOT NULL,
                    processed INTEGER NOT NULL DEFAULT 0,
                    cached INTEGER NOT NULL DEFAULT 0,
                    emitted INTEGER NOT NULL DEFAULT 0,
                    rejected INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (run_id, name)
                );
                CREATE TABLE shards (
                    id INTEGER PRIMARY KEY,
                    stage TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('data', 'reject')),
                    path TEXT NOT NULL UNIQUE,
                    run_id TEXT NOT NULL REFERENCES runs(id),
                    records INTEGER NOT NULL,
                    uncompressed_bytes INTEGER NOT NULL,
                    compressed_bytes INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE items (
                    stage TEXT NOT NULL,
                    cache_key TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    record_id TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('done', 'rejected')),
                    reason TEXT,
                    shard_id INTEGER NOT NULL REFERENCES shards(id),
                    line INTEGER NOT NULL,
                    run_id TEXT NOT NULL REFERENCES runs(id),
                    PRIMARY KEY (stage, cache_key, seq)
                );
                CREATE INDEX items_by_shard ON items(shard_id);
                """)
        }
        migrator.registerMigration("v2-usage-accounting") { db in
            try db.execute(sql: """
                CREATE TABLE usage (
                    run_id TEXT NOT NULL REFERENCES runs(id),
                    stage TEXT NOT NULL,
                    backend TEXT NOT NULL,
                    calls INTEGER NOT NULL DEFAULT 0,
                    retries INTEGER NOT NULL DEFAULT 0,
                    errors INTEGER NOT NULL DEFAULT 0,
                    tokens_in INTEGER NOT NULL DEFAULT 0,
                    tokens_out INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (run_id, stage, backend)
                );
                CREATE INDEX items_by_reason ON items(stage, status, reason);
                """)
        }
        migrator.registerMigration("v3-releases") { db in
            try db.execute(sql: """
                CREATE TABLE releases (
                    id TEXT PRIMARY KEY,
                    run_id TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    files INTEGER NOT NULL,
                    records INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    digest TEXT NOT NULL
                );
                CREATE TABLE release_files (
                    release_id TEXT NOT NULL REFERENCES releases(id),
                    path TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    records INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    PRIMARY KEY (release_id, path)
                );
                """)
        }
        migrator.registerMigration("v4-usage-cost") { db in
            try db.execute(sql: "ALTER TABLE usage ADD COLUMN cost REAL NOT NULL DEFAULT 0")
        }
        return migrator
    }
}
