import Pipeline

/// Builds the stages a pipeline file names, checking each stage's parameters.
public enum StageRegistry {
    /// The stage kinds this build knows.
    public static let kinds = ["mine"]

    /// The source stage and the transform stages of a pipeline, in order.
    public static func makeStages(for config: PipelineConfig) throws -> (SourceStage, [TransformStage]) {
        var source: SourceStage?
        var transforms: [TransformStage] = []
        for (i, stage) in config.stages.enumerated() {
            let path = "stages[\(i)]"
            switch stage.kind {
            case "mine":
                guard i == 0 else { throw config.document.error(path + ".kind", "mine reads the pipeline inputs and must be the first stage") }
                source = MineStage(name: stage.name, settings: try MineSettings(stage.params))
            default:
                throw config.document.error(path + ".kind", "unknown stage kind '\(stage.kind)' (known: \(kinds.joined(separator: ", ")))")
            }
        }
        guard let source else { throw config.document.error("stages[0]", "the first stage must read the inputs (kind: mine)") }
        if config.inputs.isEmpty { throw config.document.error("inputs", "the pipeline has no inputs") }
        return (source, transforms)
    }
}
