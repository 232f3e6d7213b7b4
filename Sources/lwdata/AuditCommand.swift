import ArgumentParser
import Decoder
import Foundation
import Logging
import Pipeline
import Stages

/// `lwdata audit`: the content checks on any existing SFT file, without building.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Run the content checks on SFT files (JSONL, plain or .zst) you did not have to build with lwdata.",
        discussion: """
            Writes DIR/audit.jsonl (one line per input record: index, id, words, coherence flags with \
            their evidence, task-talk share and sentences, repetition measures, and quality when a \
            judge ran) and DIR/report/index.html. Bad lines are reported with their line number and \
            skipped. Without --judge no language model is loaded; with it, the pipeline file's `judge` \
            stage (and its model) scores every record. Task talk is found by rules and, when the \
            sentence encoder is installed, by a classifier on sentence embeddings too \
            (LWDATA_ENCODER=none: the rules alone).
            """)

    @Argument(help: "SFT files: messages, sharegpt or alpaca JSONL, plain or .zst.")
    var files: [String]

    @Option(name: .long, help: "Record format: auto (per line), messages, sharegpt or alpaca.")
    var format: String = "auto"

    @Option(name: .long, help: ArgumentHelp("Where audit.jsonl and report/ go.", valueName: "DIR"))
    var out: String = "audit"

    @Option(name: .long, help: ArgumentHelp("A pipeline file with a `judge` stage: score every record with it.", valueName: "PIPELINE.yaml"))
    var judge: String?

    func run() async throws {
        guard let format = SFTFormat(rawValue: format) else {
            Console.error("--format: expected auto, messages, sharegpt or alpaca, found '\(format)'")
            throw ExitCodes.badConfiguration
        }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            Console.error("\(file): no such file")
            throw ExitCodes.badConfiguration
        }
        let judgeFunction: Auditor.Judge?
        do {
            judgeFunction = try judge.map { try Self.makeJudge($0, cache: out) }
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        let summary = try await Auditor(judge: judgeFunction, embedder: Self.loadEncoder()).run(files: files, format: format, directory: out)
        for bad in summary.badLines.prefix(20) { Console.error("\(bad.file):\(bad.line): skipped: \(bad.reason)") }
        if summary.badLines.count > 20 { Console.error("… \(summary.badLines.count - 20) more bad lines (see \(out)/report/index.html)") }
        summary.figures.lines().forEach(Console.out)
        Console.out("\(summary.records) records audited, \(summary.flagged.count) flagged, \(summary.badLines.count) bad lines skipped → \(out)/audit.jsonl, \(out)/report/index.html")
    }

    /// The sentence encoder for the task-talk classifier, or nil (turned off, or not installed:
    /// then the rules alone, with a warning).
    static func loadEncoder() -> SentenceEncoder? {
        do {
            guard let directory = try EncoderLocator.existingDirectory() else { return nil }
            return try SentenceEncoder(directory: directory)
        } catch {
            Console.error("warning: \(error); task talk is found by the rules alone")
            return nil
        }
    }

    /// The judge of a pipeline file: its `judge` stage with that stage's model (or the pipeline's).
    static func makeJudge(_ pipeline: String, cache: String) throws -> Auditor.Judge {
        let config = try PipelineConfig.load(file: pipeline)
        guard let entry = config.stages.first(where: { $0.kind == JudgeStage.kind }) else {
            throw PipelineError.config(file: pipeline, line: nil, path: "stages", message: "no judge stage in this pipeline")
        }
        let settings = try JudgeSettings(entry.params.restricted(to: JudgeSettings.keys), pipeline: config)
        let stage = JudgeStage(name: entry.name, settings: settings)
        let handle = try ModelHandleFactory.make(entry.model ?? config.model, outputDirectory: cache,
                                                 pipelineDirectory: config.directory)
        let context = StageContext(runID: "audit", pipeline: config, logger: Logger(label: "lwdata.audit"), cancellation: Cancellation(),
                                   models: ModelSet(byStage: [entry.name: handle]))
        return { example in
            let record = Record(id: example.id ?? "line-\(example.line)", fields: ["query": .string(example.instruction), "response": .string(example.response)])
            switch try await stage.process(record, context: context) {
            case .records(let out): return out.first?["quality"]
            case .rejected(_, let rejection): return rejection.extra["quality"]
            }
        }
    }
}
