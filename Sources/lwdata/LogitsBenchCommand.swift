import ArgumentParser
import Decoder
import Foundation

/// `lwdata bench logits`: the decoder's logits after a token sequence, as JSON, for comparing
/// with llama.cpp on model files no test fixture covers (bench/check_kquant_logits.py).
struct LogitsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Write the logits after each of the given tokens (JSON), on the int8 path or --exact.")

    @Option(name: .long, help: "GGUF model (default: LWDATA_MODEL, then the installed default model).")
    var model: String?

    @Option(help: "Token ids, comma-separated.")
    var tokens: String

    @Flag(help: "Exactly decoded weights and f32 activations instead of the int8 path.")
    var exact = false

    @Option(help: "Write {kernels, logits: [[Float]] per position} here.")
    var json: String

    struct Report: Encodable {
        var kernels: String
        var logits: [[Float]]
    }

    func run() async throws {
        let ids = tokens.split(separator: ",").map { Int32($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--tokens takes token ids separated by commas, got '\(tokens)'")
        }
        let path = try ModelLocator.existingModelPath(model)
        let llama = try LlamaModel(path: path, precision: exact ? .float : .int8)
        let logits = try llama.forwardReturningAllLogits(tokens: ids.map { $0! }, cache: llama.makeCache(capacity: ids.count))
        let report = Report(kernels: exact ? "float" : KernelInfo.instructionSet, logits: logits)
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: json))
    }
}
