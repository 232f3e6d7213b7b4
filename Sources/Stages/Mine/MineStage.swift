import Digest
import Foundation
import Pipeline
import Store

/// Stage `mine`: reads raw user queries, keeps first user turns, normalises whitespace,
/// drops exact duplicates, detects the language by script and counts the input length.
///
/// Each non-blank input line is one item; its cache key covers the file, the line number and
/// the line's bytes, so appending lines to an input only computes the new ones.
public struct MineStage: SourceStage, InputDamageReporting {
    public static let kind = "mine"
    public static let logicVersion = 1
    public let name: String
    public let settings: MineSettings
    public let inputDamage: InputDamageLog
    /// Lines longer than this many bytes are rejected without being held in memory.
    static let maxLineBytes = 64 << 20

    public init(name: String, settings: MineSettings) {
        self.init(name: name, settings: settings, inputDamage: InputDamageLog())
    }

    /// `inputDamage` collects the damaged inputs (a stage reading queries for another passes its own).
    public init(name: String, settings: MineSettings, inputDamage: InputDamageLog) {
        self.name = name
        self.settings = settings
        self.inputDamage = inputDamage
    }

    public func estimatedItems(context: StageContext) throws -> Int? {
        var total = 0
        for (_, file) in try context.pipeline.inputFiles() {
            let reader = try LineReader(path: file, maxLineBytes: 1 << 16)
            // A damaged file counts the lines before the damage; the build reports it.
            while (try? reader.next()) != nil { total += 1 }
        }
        return settings.limit > 0 ? min(total, settings.limit) : total
    }

    public func produce(context: StageContext, keys: StageKeys, finished: [String: (recordID: String, rejected: Bool)],
                        emit: (SourceItem) async throws -> Void) async throws {
        var seen: [String: String] = [:]
        var kept = 0
        for (spec, file) in try context.pipeline.inputFiles() {
            let display = Self.displayPath(file, base: context.pipeline.directory)
            let jsonl = spec.format == "jsonl" || (spec.format == "auto" && !Self.isTextFile(file))
            let reader = try LineReader(path: file, maxLineBytes: Self.maxLineBytes)
            while true {
                let next: ReadLine?
                do {
                    next = try reader.next()
                } catch {
                    guard try await inputDamage.reject(error, display: display, keys: keys, context: context,
                                                       finished: finished, emit: emit) else { throw error }
                    break
                }
                guard let line = next else { break }
                if context.cancellation.isCancelled { return }
                if settings.limit > 0 && kept >= settings.limit { return }
                let lineNumber = reader.lineNumber
                let bytes: [UInt8]
                switch line {
                case .text(let b): bytes = b
                case .oversized(let count): bytes = Array("<\(count) bytes>".utf8)
                }
                if case .text = line, bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let key = keys.key(display, String(lineNumber), SHA256.hex(of: bytes))
                if let done = finished[key] {
                    if !done.rejected { seen[done.recordID] = done.recordID; kept += 1 }
                    try await emit(.cached(cacheKey: key))
                    continue
                }
                let outcome = mine(line, file: display, lineNumber: lineNumber, jsonl: jsonl, seen: &seen)
                if case .records = outcome { kept += 1 }
                try await emit(.fresh(cacheKey: key, outcome))
            }
        }
    }

    private func mine(_ line: ReadLine, file: String, lineNumber: Int, jsonl: Bool, seen: inout [String: String]) -> StageOutcome {
        let source: JSONValue = ["file": .string(file), "line": .int(lineNumber)]
        let rejectID = ContentHash.of("reject", name, file, String(lineNumber))
        func reject(_ reason: String, _ detail: String, raw: [UInt8]?) -> StageOutcome {
            var extra: [String: JSONValue] = ["source": source]
            if let raw { extra["raw"] = .string(String(decoding: raw.prefix(2000), as: UTF8.self)) }
            return .rejected(id: rejectID, Rejection(reason: reason, detail: "\(file):\(lineNumber): \(detail)", extra: extra))
        }
        guard case .text(let bytes) = line else {
            if case .oversized(let count) = line {
                return reject("line_too_long", "the line has \(count) bytes (limit \(Self.maxLineBytes))", raw: nil)
            }
            return reject("line_too_long", "the line is too long", raw: nil)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return reject("invalid_utf8", "the line is not valid UTF-8", raw: bytes)
        }
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            return reject("binary", "the line contains NUL bytes", raw: bytes)
        }
        let raw: String
        let format: QueryExtractor.Format
        do {
            (raw, format) = try QueryExtractor.extract(text, jsonl: jsonl)
        } catch let failure as QueryExtractor.Failure {
            return reject(failure.reason, failure.detail, raw: bytes)
        } catch {
            return reject("invalid_json", "\(error)", raw: bytes)
        }
        let query = TextNormalizer.normalize(raw)
        if query.isEmpty { return reject("empty_query", "the query is empty after whitespace normalisation", raw: bytes) }
        let characters = query.count
        if characters < settings.minChars {
            return reject("too_short", "\(characters) characters, minimum \(settings.minChars)", raw: bytes)
        }
        if characters > settings.maxChars {
            return reject("too_long", "\(characters) characters, maximum \(settings.maxChars)", raw: Array(bytes.prefix(2000)))
        }
        let language = LanguageDetector.detect(query)
        if !settings.languages.isEmpty && !settings.languages.contains(language) {
            return reject("language_filtered", "language \(language) is not in \(settings.languages)", raw: bytes)
        }
        let id = ContentHash.of("query", query)
        if let first = seen[id] {
            return reject("duplicate", "same normalised text as query \(first)", raw: bytes)
        }
        seen[id] = id
        return .records([Record(id: id, fields: [
            "kind": "query",
            "query": .string(query),
            "language": .string(language),
            "input_length": .int(LengthCounter.count(query)),
            "source": ["file": .string(file), "line": .int(lineNumber), "format": .string(format.rawValue)],
        ])])
    }

    static func isTextFile(_ path: String) -> Bool {
        let name = path.hasSuffix(".zst") ? String(path.dropLast(4)) : path
        return name.hasSuffix(".txt") || name.hasSuffix(".text")
    }

    static func displayPath(_ file: String, base: String) -> String {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }
}
