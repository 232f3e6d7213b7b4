import Digest
import Messages
import Foundation
import Generation
import Pipeline

/// The model calls of one stage: the build's backend, metered under the stage's name, with
/// per-item seeds, and a failed call thrown as an error naming the stage (so the item is retried
/// by the next build, never written with a failure message in it). Every model stage calls
/// through this.
struct ModelCaller: Sendable {
    let stage: String
    let model: ModelHandle
    private let generator: TextGenerator

    /// The caller of stage `stage`, or an error naming the stage when the build has no model.
    init(_ context: StageContext, stage: String) throws {
        guard let model = context.models.handle(forStage: stage) else { throw PipelineError.stage(name: stage, message: "this stage needs a model backend") }
        self.stage = stage
        self.model = model
        generator = model.generator(forStage: stage)
    }

    /// One call; an answer that failed is an error.
    func generate(_ messages: [ChatMessage], _ parameters: GenerationParameters) async throws -> GenerationOutput {
        let output = try await generator.generate(messages, parameters: parameters)
        if output.finishReason == .error { throw PipelineError.stage(name: stage, message: output.error ?? "generation failed") }
        return output
    }
}

/// Pieces the stages share.
enum ModelStageSupport {
    /// A per-item, per-purpose seed: the same item always samples the same way.
    static func seed(_ parts: String...) -> UInt64 {
        let hex = ContentHash.of(parts)
        return UInt64(hex.prefix(16), radix: 16) ?? 0
    }

    /// Loads a prompt template named in a stage's params (relative to the pipeline file), or the default.
    static func prompt(_ params: ConfigObject, key: String, default file: String, pipelineDirectory: String) throws -> PromptTemplate {
        let relative = try params.string(key) ?? file
        let path = relative.hasPrefix("/") ? relative : pipelineDirectory + "/" + relative
        do {
            return try PromptTemplate(file: path)
        } catch {
            throw params.document.error(params.sub(key), "\(error)")
        }
    }

    /// A record field as a string, or an error naming the stage and field.
    static func string(_ record: Record, _ key: String, stage: String) throws -> String {
        guard let value = record[key]?.string else {
            throw PipelineError.stage(name: stage, message: "record \(record.id) has no string field '\(key)'; is the stage order right?")
        }
        return value
    }
}

/// Sampling settings a model stage reads from its params; `parameters` turns them into a request
/// (the one conversion from stage settings to `GenerationParameters`; the built-in backend turns
/// those into the decoder's `SamplingParameters`).
struct SamplingSettings: Sendable, Equatable, Encodable {
    var temperature: Double
    var topP: Double
    var repetitionPenalty: Double
    /// `extra_body`: request fields this stage's calls add on an OpenAI-compatible server (JSON
    /// object text), beside the model's own `extra_body`; nil: none.
    var extraBody: String?

    static let keys = ["temperature", "top_p", "repetition_penalty", "extra_body"]

    init(_ p: ConfigObject, temperature: Double, topP: Double = 0.95, repetitionPenalty: Double = 1.0) throws {
        self.temperature = try p.double("temperature", range: 0...2) ?? temperature
        self.topP = try p.double("top_p", range: 0.01...1) ?? topP
        self.repetitionPenalty = try p.double("repetition_penalty", range: 0.5...2) ?? repetitionPenalty
        if let extra = p.object["extra_body"] {
            guard extra.object != nil else { throw p.document.error(p.sub("extra_body"), "expected an object of request fields, found \(extra.jsonString)") }
            extraBody = extra.jsonString
        }
    }

    /// A request with these settings.
    func parameters(maxTokens: Int, minTokens: Int = 0, seed: UInt64, format: OutputFormat = .text) -> GenerationParameters {
        GenerationParameters(temperature: temperature, topP: topP, repetitionPenalty: repetitionPenalty, maxTokens: maxTokens,
                             minTokens: minTokens, seed: seed, responseFormat: format, extraBody: extraBody)
    }
}
