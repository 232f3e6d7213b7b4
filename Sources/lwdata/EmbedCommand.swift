import ArgumentParser
import Decoder
import Foundation

/// `lwdata embed FILE`: sentence embeddings of the texts of a file with the built-in encoder.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with the built-in sentence encoder (all-MiniLM-L6-v2).",
        discussion: """
        FILE holds one text per line, or JSONL whose objects carry a "text" field (chosen by the \
        first non-empty line: JSONL when it starts with "{"). Writes one JSON line \
        {"embedding": [384 floats]} per input line, in order; the embeddings have unit length, so \
        a dot product is a cosine. The encoder is found by LWDATA_ENCODER or in the model cache \
        (scripts/setup.sh installs it).
        """)

    @Argument(help: "Input file: plain text (one text per line) or JSONL with a \"text\" field.")
    var file: String

    @Option(help: "Write the JSONL here instead of stdout.")
    var out: String?

    @Option(help: "Encoder folder (model.safetensors, tokenizer.json, config.json); default: LWDATA_ENCODER or the model cache.")
    var encoder: String?

    /// Texts per encoder call (and per write).
    private static let chunk = 2048

    func run() async throws {
        guard let directory = try EncoderLocator.existingDirectory(encoder) else { throw EmbedError.turnedOff }
        let texts = try EmbedInput.texts(of: file)
        let model = try SentenceEncoder(directory: directory)
        let output: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil), let handle = FileHandle(forWritingAtPath: out) else {
                throw EmbedError.unwritable(path: out)
            }
            output = handle
        } else {
            output = FileHandle.standardOutput
        }
        defer { if out != nil { try? output.close() } }
        for start in stride(from: 0, to: texts.count, by: Self.chunk) {
            let embeddings = model.encode(Array(texts[start ..< min(texts.count, start + Self.chunk)]))
            var lines = ""
            for embedding in embeddings {
                lines += "{\"embedding\":[" + embedding.map { "\($0)" }.joined(separator: ",") + "]}\n"
            }
            try output.write(contentsOf: Data(lines.utf8))
        }
    }
}

/// Reading the texts of `lwdata embed`'s input.
enum EmbedInput {
    /// The texts of `path`, one per line (a final newline ends the last line, it does not add an empty one).
    static func texts(of path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw EmbedError.unreadable(path: path) }
        guard let content = String(data: data, encoding: .utf8) else { throw EmbedError.notUTF8(path: path) }
        var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        let isJSONL = lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
            .trimmingCharacters(in: .whitespaces).hasPrefix("{") ?? false
        guard isJSONL else { return lines }
        return try lines.enumerated().map { index, line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw EmbedError.badLine(path: path, line: index + 1, reason: "not a JSON object")
            }
            guard let text = object["text"] as? String else {
                throw EmbedError.badLine(path: path, line: index + 1, reason: "no string field \"text\"")
            }
            return text
        }
    }
}

/// Why `lwdata embed` stopped.
enum EmbedError: Error, CustomStringConvertible {
    case unreadable(path: String)
    case notUTF8(path: String)
    case badLine(path: String, line: Int, reason: String)
    case unwritable(path: String)
    case turnedOff

    var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot read the file"
        case .notUTF8(let path): return "\(path): not UTF-8 text"
        case .badLine(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .unwritable(let path): return "\(path): cannot write the file"
        case .turnedOff: return "the sentence encoder is turned off (LWDATA_ENCODER=none); set LWDATA_ENCODER to its folder or unset it"
        }
    }
}
