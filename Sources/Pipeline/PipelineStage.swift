import Digest
import Foundation

/// A stage as a pipeline file placed it: the runnable stage, its entry's name and concurrency, the
/// `select:` that limits it, and its config hash, derived (never listed by hand) from the stage's
/// kind, logic version and settings, the model identity when it calls a model, and the selector.
public struct PipelineStage: Sendable {
    public let name: String
    public let kind: String
    public let shape: StageShape
    /// Records it works on at once (map stages).
    public let concurrency: Int
    /// Records outside the selection pass the stage unchanged.
    public let selector: RecordSelector?
    public let callsModel: Bool
    public let outputFolder: String
    public let configHash: String

    public var stage: any Stage { shape.stage }
    public func summaryLines() -> [String] { stage.summaryLines() }

    /// The same stage entry (name, selector, hash) run by another stage value, e.g. one that wraps it.
    public func replacingShape(_ shape: StageShape) -> PipelineStage {
        PipelineStage(name: name, kind: kind, shape: shape, concurrency: concurrency, selector: selector, callsModel: callsModel,
                      outputFolder: outputFolder, configHash: configHash)
    }
}

extension Stage {
    /// The `params:` keys the stage reads (`select` comes on top for selectable stages).
    public static var parameterKeys: [String] { Settings.keys }

    /// Builds this stage from its pipeline entry. `params` are the entry's parameters without
    /// `select`; `modelIdentity` names the backend and model the stage would call, `encoderIdentity`
    /// the sentence encoder it would embed with.
    public static func build(_ entry: StageConfig, params: ConfigObject, selector: RecordSelector?, pipeline: PipelineConfig,
                             modelIdentity: String?, encoderIdentity: String? = nil) throws -> PipelineStage {
        let settings = try Settings(params.restricted(to: Settings.keys), pipeline: pipeline)
        let stage = try Self(name: entry.name, settings: settings)
        return PipelineStage(name: entry.name, kind: kind, shape: stage.shape, concurrency: entry.concurrency, selector: selector,
                             callsModel: callsModel, outputFolder: outputFolder,
                             configHash: try configHash(settings, modelIdentity: modelIdentity, encoderIdentity: encoderIdentity,
                                                        selector: selector))
    }

    /// The hash of everything that shapes this stage's output: kind, logic version, the settings'
    /// canonical JSON (prompt templates encode as their content hash), the model identity (model
    /// stages), the encoder identity (settings that embed text) and the selector.
    public static func configHash(_ settings: Settings, modelIdentity: String?, encoderIdentity: String? = nil,
                                  selector: RecordSelector?) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let canonical = String(decoding: try encoder.encode(settings), as: UTF8.self)
        var parts = [kind, "logic-\(logicVersion)", canonical, callsModel ? modelIdentity ?? "none" : "", selector?.canonical ?? ""]
        // Added only when used, so that the hashes of stages that embed nothing stay as they were.
        if settings.usesEncoder { parts.append("encoder:" + (encoderIdentity ?? "none")) }
        return ContentHash.of(parts)
    }
}
