import ArgumentParser
import Decoder
import Foundation
import Pipeline
import Stages

/// `lwdata relevance`: the share of answer paragraphs that are off-topic, by the sentence encoder.
struct RelevanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relevance",
        abstract: "Measure how many answer paragraphs are off-topic (cosine to the instruction below a threshold).",
        discussion: """
            Reads SFT files (messages, sharegpt or alpaca JSONL, plain or .zst, e.g. \
            out/dataset/export/*.jsonl.zst), embeds every paragraph (text between blank lines) of \
            every answer and its instruction with the built-in sentence encoder, and prints the \
            share of paragraphs whose cosine to the instruction is below --threshold, with the mean \
            cosine and the mean by position in the answer (tenths). --unit lines counts every \
            non-empty line as a paragraph instead.
            """)

    @Argument(help: "SFT files: messages, sharegpt or alpaca JSONL, plain or .zst.")
    var files: [String]

    @Option(help: "Cosine to the instruction below which a paragraph is off-topic.")
    var threshold: Double = RelevanceScorer.offTopicCosine

    @Option(help: "What counts as a paragraph: paragraphs (text between blank lines) or lines (every non-empty line).")
    var unit: String = OffTopicMeasure.Unit.paragraphs.rawValue

    @Option(help: ArgumentHelp("Also write the figures as JSON here.", valueName: "FILE"))
    var json: String?

    @Option(help: "Encoder folder (model.safetensors, tokenizer.json, config.json); default: LWDATA_ENCODER or the model cache.")
    var encoder: String?

    func run() async throws {
        guard let directory = try EncoderLocator.existingDirectory(encoder) else { throw EmbedError.turnedOff }
        guard let unit = OffTopicMeasure.Unit(rawValue: unit) else {
            Console.error("--unit: expected paragraphs or lines, found '\(unit)'")
            throw ExitCodes.badConfiguration
        }
        let model = try SentenceEncoder(directory: directory)
        var measure = OffTopicMeasure(threshold: threshold, unit: unit)
        for file in files {
            guard FileManager.default.fileExists(atPath: file) else {
                Console.error("\(file): no such file")
                throw ExitCodes.badConfiguration
            }
            try SFTRecordReader.read(file, format: .auto) { result in
                switch result {
                case .example(let example):
                    measure.add(id: example.id ?? "\(file):\(example.line)", instruction: example.instruction, response: example.response,
                                embedder: model)
                case .bad(let line, let reason):
                    Console.error("\(file):\(line): skipped: \(reason)")
                }
            }
        }
        let share = measure.offTopicShare.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
        let mean = measure.meanCosine.map { String(format: "%.3f", $0) } ?? "–"
        Console.out("\(measure.records) records, \(measure.paragraphs) \(unit.rawValue); off-topic (cosine to the instruction < \(threshold)): "
                    + "\(measure.offTopic) = \(share); mean cosine \(mean) (encoder \(model.identity))")
        let tenths = measure.byTenth.map { $0.count == 0 ? "–" : String(format: "%.2f", $0.sum / Double($0.count)) }
        Console.out("mean cosine by position (tenths of the answer): " + tenths.joined(separator: " "))
        if let json {
            var figures = measure.json.object ?? [:]
            figures["encoder"] = .string(model.identity)
            figures["files"] = .array(files.map(JSONValue.string))
            try (JSONValue.object(figures).jsonString + "\n").write(toFile: json, atomically: true, encoding: .utf8)
        }
    }
}
