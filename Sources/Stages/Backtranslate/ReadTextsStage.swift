import Digest
import Foundation
import Pipeline
import Store
#if canImport(Glibc)
import Glibc
#endif

/// Stage `read-texts`: reads long texts (plain text files, `{"text": …}` JSONL, or the records of
/// the `write`, `lengthen` and `export` stages) and cuts each into documents with `DocumentChunker`,
/// one `document` record each, with its source and span. Exact duplicate texts are read once.
///
/// With `texts` patterns, only the inputs they match are long texts; the others are user queries,
/// read as the `mine` stage reads them (with the `mine` parameters), so that one pipeline can
/// feed every recipe. Each text is one item; its cache key covers the file, the line and its bytes.
public struct ReadTextsStage: SourceStage, InputDamageReporting {
    public static let kind = "read-texts"
    public static let logicVersion = 1
    public let name: String
    public let settings: ReadTextsSettings
    public let inputDamage = InputDamageLog()
    let queries: MineStage?

    public init(name: String, settings: ReadTextsSettings) {
        self.name = name
        self.settings = settings
        queries = settings.texts.isEmpty ? nil : MineStage(name: name, settings: settings.mine, inputDamage: inputDamage)
    }

    /// Whether an input (as written in the pipeline) holds long texts rather than queries.
    func isText(_ spec: InputSpec) -> Bool {
        settings.texts.isEmpty || settings.texts.contains { fnmatch($0, spec.path, 0) == 0 }
    }

    /// The context the `mine` part sees: only the query inputs.
    private func queryContext(_ context: StageContext) -> StageContext? {
        var pipeline = context.pipeline
        pipeline.inputs = pipeline.inputs.filter { !isText($0) }
        guard !pipeline.inputs.isEmpty else { return nil }
        return StageContext(runID: context.runID, pipeline: pipeline, logger: context.logger,
                            cancellation: context.cancellation, models: context.models, progress: context.progress)
    }

    public func estimatedItems(context: StageContext) throws -> Int? {
        var total = 0
        for (spec, file) in try context.pipeline.inputFiles() where isText(spec) {
            if wholeFile(spec, file) { total += 1; continue }
            let reader = try LineReader(path: file, maxLineBytes: 1 << 16)
            // A damaged file counts the lines before the damage; the build reports it.
            while (try? reader.next()) != nil { total += 1 }
        }
        if settings.limit > 0 { total = min(total, settings.limit) }
        if let queries, let queryContext = queryContext(context) { total += try queries.estimatedItems(context: queryContext) ?? 0 }
        return total
    }

    public func produce(context: StageContext, keys: StageKeys, finished: [String: (recordID: String, rejected: Bool)],
                        emit: (SourceItem) async throws -> Void) async throws {
        if let queries, let queryContext = queryContext(context) {
            try await queries.produce(context: queryContext, keys: keys, finished: finished, emit: emit)
        }
        var seen: [String: String] = [:]
        var read = 0
        for (spec, file) in try context.pipeline.inputFiles() where isText(spec) {
            let display = MineStage.displayPath(file, base: context.pipeline.directory)
            do {
                try await LongTextReader.read(file, wholeFile: wholeFile(spec, file)) { entry in
                    if context.cancellation.isCancelled { return }
                    if settings.limit > 0 && read >= settings.limit { return }
                    switch entry {
                    case let .failure(reason, detail, line, digest):
                        let key = keys.key(display, String(line), digest)
                        if finished[key] != nil { try await emit(.cached(cacheKey: key)); return }
                        let id = ContentHash.of("reject", name, display, String(line))
                        try await emit(.fresh(cacheKey: key, .rejected(id: id, Rejection(
                            reason: reason, detail: "\(display):\(line): \(detail)",
                            extra: ["source": ["file": .string(display), "line": .int(line)]]))))
                    case let .text(text, line, sourceID, digest):
                        read += 1
                        let key = keys.key(display, String(line ?? 0), digest)
                        let textID = ContentHash.of("text", TextNormalizer.normalize(text))
                        if finished[key] != nil {
                            seen[textID] = textID
                            try await emit(.cached(cacheKey: key))
                            return
                        }
                        var source: [String: JSONValue] = ["file": .string(display), "text_id": .string(textID),
                                                           "format": .string(line == nil ? "text" : "jsonl")]
                        if let line { source["line"] = .int(line) }
                        if let sourceID { source["id"] = .string(sourceID) }
                        if let first = seen[textID] {
                            try await emit(.fresh(cacheKey: key, .rejected(id: ContentHash.of("reject", name, display, String(line ?? 0)), Rejection(
                                reason: "duplicate", detail: "same text as \(first)", extra: ["source": .object(source)]))))
                            return
                        }
                        seen[textID] = textID
                        try await emit(.fresh(cacheKey: key, documents(of: text, source: source, textID: textID)))
                    }
                }
            } catch {
                guard try await inputDamage.reject(error, display: display, keys: keys, context: context,
                                                   finished: finished, emit: emit) else { throw error }
            }
        }
    }

    /// The documents of one text, or a rejection saying why it gives none.
    func documents(of text: String, source: [String: JSONValue], textID: String) -> StageOutcome {
        let result = settings.chunker.chunk(text)
        let counts: [String: JSONValue] = ["words": .int(result.totalWords), "reference_words": .int(result.referenceWords),
                                           "fragment_words": .int(result.fragmentWords)]
        guard !result.documents.isEmpty else {
            return .rejected(id: ContentHash.of("reject", name, textID), Rejection(
                reason: "too_short", detail: "\(result.totalWords) words, \(result.referenceWords) in references: no document of at least \(settings.chunker.minWords) words",
                extra: ["source": .object(source), "value": .int(result.totalWords - result.referenceWords), "threshold": .int(settings.chunker.minWords)]))
        }
        var sourceWithCounts = source
        sourceWithCounts.merge(counts) { a, _ in a }
        return .records(result.documents.enumerated().map { i, document in
            Record(id: ContentHash.of("document", document.text), fields: [
                "kind": "document",
                "text": .string(document.text),
                "language": .string(LanguageDetector.detect(document.text)),
                "words": .int(document.words),
                "source": .object(sourceWithCounts),
                "span": ["part": .int(i + 1), "parts": .int(result.documents.count),
                         "first_paragraph": .int(document.firstParagraph), "last_paragraph": .int(document.lastParagraph),
                         "paragraphs": .int(result.paragraphs)],
            ])
        })
    }

    private func wholeFile(_ spec: InputSpec, _ file: String) -> Bool {
        spec.format == "text" || (spec.format == "auto" && Self.isPlainText(file))
    }

    static func isPlainText(_ path: String) -> Bool {
        let name = path.hasSuffix(".zst") ? String(path.dropLast(4)) : path
        return [".txt", ".text", ".md"].contains { name.hasSuffix($0) }
    }
}
