import Digest
import Messages
import Foundation
import GRDB

/// Answers already received, keyed by backend, model, messages, parameters and seed, stored in
/// `<out>/request-cache.sqlite` beside the manifest: a re-run makes no repeated call. Only
/// finished answers are kept (never errors); `max_tokens` is part of the key, so raising it
/// never reuses an answer that was cut short.
public final class RequestCache: @unchecked Sendable {
    // @unchecked: GRDB's DatabasePool serialises writes and isolates reads; the path is immutable.
    public let path: String
    private let db: DatabasePool

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/request-cache.sqlite"
        var config = Configuration()
        config.busyMode = .timeout(10)
        db = try DatabasePool(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-answers") { db in
            try db.execute(sql: """
                CREATE TABLE answers (key TEXT PRIMARY KEY, output BLOB NOT NULL, created_at REAL NOT NULL)
                """)
        }
        try migrator.migrate(db)
    }

    /// The cache key of a request to a backend.
    public static func key(identity: String, messages: [ChatMessage], parameters: GenerationParameters) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = (try? encoder.encode(CacheKeyPayload(identity: identity, messages: messages, parameters: parameters))) ?? Data()
        return SHA256.hex(of: payload)
    }

    public func lookup(_ key: String) throws -> GenerationOutput? {
        try db.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT output FROM answers WHERE key = ?", arguments: [key]) else { return nil }
            return try? JSONDecoder().decode(GenerationOutput.self, from: data)
        }
    }

    public func store(_ key: String, _ output: GenerationOutput) throws {
        guard output.finishReason != .error else { return }
        let data = try JSONEncoder().encode(output)
        try db.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO answers (key, output, created_at) VALUES (?, ?, ?)",
                           arguments: [key, data, Date().timeIntervalSince1970])
        }
    }

    private struct CacheKeyPayload: Encodable {
        let identity: String
        let messages: [ChatMessage]
        let parameters: GenerationParameters
    }
}

/// A `TextGenerator` that answers from a `RequestCache` when it can.
public struct CachingGenerator: TextGenerator {
    public let inner: TextGenerator
    public let cache: RequestCache
    /// The model identity the answers are keyed by: the same one that keys the stages' items
    /// (for the built-in decoder it names the file's content, not only its name).
    public let identity: String

    public init(inner: TextGenerator, cache: RequestCache, identity: String) {
        self.inner = inner
        self.cache = cache
        self.identity = identity
    }

    public func generate(_ messages: [ChatMessage], parameters: GenerationParameters) async throws -> GenerationOutput {
        let key = RequestCache.key(identity: identity, messages: messages, parameters: parameters)
        if var hit = try cache.lookup(key) {
            hit.cached = true
            return hit
        }
        let output = try await inner.generate(messages, parameters: parameters)
        try cache.store(key, output)
        return output
    }
}
