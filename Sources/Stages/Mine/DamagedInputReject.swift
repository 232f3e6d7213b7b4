import Digest
import Foundation
import Pipeline
import Store

extension InputDamageLog {
    /// When `error` is damage of the input `display`, records and logs it and emits one reject
    /// item for the file (reason `damaged_input`; its source line is the first line lost, after
    /// the last good one), and returns true;
    /// false for any other error, which the caller throws.
    func reject(_ error: Error, display: String, keys: StageKeys, context: StageContext,
                finished: [String: (recordID: String, rejected: Bool)],
                emit: (SourceItem) async throws -> Void) async throws -> Bool {
        guard let (message, line) = Self.describe(error, display: display) else { return false }
        record(message)
        context.logger.error("\(message)")
        let key = keys.key(display, "damaged", String(line), message)
        if finished[key] != nil {
            try await emit(.cached(cacheKey: key))
        } else {
            try await emit(.fresh(cacheKey: key, .rejected(id: ContentHash.of("reject", keys.stage, display, "damaged"), Rejection(
                reason: "damaged_input", detail: message,
                extra: ["source": ["file": .string(display), "line": .int(line + 1), "last_good_line": .int(line)]]))))
        }
        return true
    }
}
