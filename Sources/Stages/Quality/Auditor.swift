import Foundation
import Messages
import Pipeline
import Store

/// `lwdata audit`: the content checks on any SFT file, without building. One line per input
/// record in `audit.jsonl` (`index`, `id`, `words`, the checks, and `quality` when a judge ran),
/// bad lines reported with their line number and skipped, and a summary page.
public struct Auditor: Sendable {
    /// Judges one example: the `quality` object the judge stage would record, or nil.
    public typealias Judge = @Sendable (SFTExample) async throws -> JSONValue?

    public let checks = ContentChecks()
    public let judge: Judge?
    /// The sentence encoder for the task-talk classifier; nil: the rules alone.
    public let embedder: (any TextEmbedder)?

    public init(judge: Judge? = nil, embedder: (any TextEmbedder)? = nil) {
        self.judge = judge
        self.embedder = embedder
    }

    /// What an audit found.
    public struct Summary: Sendable {
        public var records = 0
        public var badLines: [(file: String, line: Int, reason: String)] = []
        public var figures = QualityFigures()
        public var flagged: [JSONValue] = []
    }

    /// Audits `files` into `directory` (`audit.jsonl`, `report/index.html`).
    public func run(files: [String], format: SFTFormat, directory: String) async throws -> Summary {
        try FileManager.default.createDirectory(atPath: directory + "/report", withIntermediateDirectories: true)
        let outputPath = directory + "/audit.jsonl"
        FileManager.default.createFile(atPath: outputPath + ".part", contents: nil)
        guard let output = FileHandle(forWritingAtPath: outputPath + ".part") else {
            throw PipelineError.input(file: outputPath, message: "cannot write the audit")
        }
        var summary = Summary()
        for file in files {
            var examples: [SFTExample] = []
            try SFTRecordReader.read(file, format: format) { result in
                switch result {
                case .example(let example): examples.append(example)
                case let .bad(line, reason): summary.badLines.append((file, line, reason))
                }
            }
            for example in examples {
                var line = try await audit(example)
                line["index"] = .int(summary.records)
                line["file"] = .string(file)
                summary.records += 1
                summary.figures.add(Record(id: example.id ?? "\(file):\(example.line)", fields: ["meta": .object(Self.meta(line))]))
                if Self.isFlagged(line) { summary.flagged.append(.object(line)) }
                output.write(Data(JSONValue.object(line).serialized() + [0x0A]))
            }
        }
        try output.synchronize()
        try output.close()
        if rename(outputPath + ".part", outputPath) != 0 { throw PipelineError.input(file: outputPath, message: "cannot rename the audit into place") }
        try AuditPage.write(summary, directory: directory + "/report", files: files)
        return summary
    }

    /// The audit line of one example.
    func audit(_ example: SFTExample) async throws -> [String: JSONValue] {
        var line = checks.check(instruction: example.instruction, response: example.response, embedder: embedder)
        line["line"] = .int(example.line)
        line["words"] = .int(LengthCounter.count(example.response))
        if let id = example.id { line["id"] = .string(id) }
        if let judge, let quality = try await judge(example) { line["quality"] = quality }
        return line
    }

    /// The audit line in the shape `QualityFigures` reads (`meta` of an exported record).
    static func meta(_ line: [String: JSONValue]) -> [String: JSONValue] {
        var meta: [String: JSONValue] = ["produced_words": line["words"] ?? .int(0),
                                         "content_checks": .object(line.filter { ["coherence", "task_talk", "sentences", "repetition"].contains($0.key) })]
        if let quality = line["quality"] { meta["quality"] = quality }
        return meta
    }

    /// Whether an audit line has a finding a person should look at.
    static func isFlagged(_ line: [String: JSONValue]) -> Bool {
        (line["coherence"]?.array?.isEmpty == false) || (line["task_talk"]?["sentences"]?.array?.isEmpty == false)
            || (line["repetition"]?["duplicate_10gram_fraction"]?.double ?? 0) > 0.1
    }
}
