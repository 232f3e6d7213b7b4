import Digest
import Foundation
import Generation
import Pipeline

/// Pieces every model-calling stage shares.
enum ModelStageSupport {
    /// The model handle, or an error naming the stage when the build has none.
    static func model(_ context: StageContext, stage: String) throws -> ModelHandle {
        guard let model = context.model else { throw PipelineError.stage(name: stage, message: "this stage needs a model backend") }
        return model
    }

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

/// Sampling settings a model stage reads from its params.
struct SamplingSettings: Sendable, Equatable {
    var temperature: Double
    var topP: Double
    var repetitionPenalty: Double

    static let keys = ["temperature", "top_p", "repetition_penalty"]

    init(_ p: ConfigObject, temperature: Double, topP: Double = 0.95, repetitionPenalty: Double = 1.0) throws {
        self.temperature = try p.double("temperature", range: 0...2) ?? temperature
        self.topP = try p.double("top_p", range: 0.01...1) ?? topP
        self.repetitionPenalty = try p.double("repetition_penalty", range: 0.5...2) ?? repetitionPenalty
    }

    var canonical: String { "t=\(temperature);p=\(topP);rp=\(repetitionPenalty)" }
}
