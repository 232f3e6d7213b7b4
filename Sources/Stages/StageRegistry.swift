import Pipeline

/// Builds the stages a pipeline file names, checking each stage's parameters.
public enum StageRegistry {
    /// The stage kinds this build knows.
    public static let kinds = ["mine", "predict-length", "plan", "write", "dedup-filter", "export"]

    /// The source stage and the transform stages of a pipeline, in order.
    /// `modelIdentity` names the backend and model (part of every model stage's cache key).
    public static func makeStages(for config: PipelineConfig, modelIdentity: String = "none") throws -> (SourceStage, [StageIdentity]) {
        var source: SourceStage?
        var transforms: [StageIdentity] = []
        for (i, stage) in config.stages.enumerated() {
            let path = "stages[\(i)]"
            switch stage.kind {
            case "mine":
                guard i == 0 else { throw config.document.error(path + ".kind", "mine reads the pipeline inputs and must be the first stage") }
                source = MineStage(name: stage.name, settings: try MineSettings(stage.params))
            case "predict-length":
                transforms.append(try PredictLengthStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "plan":
                transforms.append(try PlanStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "write":
                transforms.append(try WriteStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "dedup-filter":
                transforms.append(try DedupFilterStage(stage))
            case "export":
                transforms.append(try ExportStage(stage))
            default:
                throw config.document.error(path + ".kind", "unknown stage kind '\(stage.kind)' (known: \(kinds.joined(separator: ", ")))")
            }
        }
        guard let source else { throw config.document.error("stages[0]", "the first stage must read the inputs (kind: mine)") }
        if config.inputs.isEmpty { throw config.document.error("inputs", "the pipeline has no inputs") }
        return (source, transforms)
    }

    /// Whether any stage of the pipeline calls a model.
    public static func needsModel(_ config: PipelineConfig) -> Bool {
        config.stages.contains { ["predict-length", "plan", "write"].contains($0.kind) }
    }
}
