import Pipeline

/// Builds the stages a pipeline file names, checking each stage's parameters.
public enum StageRegistry {
    /// The stage kinds this build knows.
    public static let kinds = ["mine", "read-texts", "predict-length", "plan", "write", "backtranslate", "lengthen", "constrain-length",
                               "dedup-filter", "export"]
    /// The kinds that call a model.
    static let modelKinds = ["predict-length", "plan", "write", "backtranslate", "lengthen"]

    /// The source stage and the transform stages of a pipeline, in order.
    /// `modelIdentity` names the backend and model (part of every model stage's cache key).
    public static func makeStages(for config: PipelineConfig, modelIdentity: String = "none") throws -> (SourceStage, [StageIdentity]) {
        var source: SourceStage?
        var transforms: [StageIdentity] = []
        for (i, entry) in config.stages.enumerated() {
            let path = "stages[\(i)]"
            // `select:` limits a transform stage to some records; the others pass it unchanged.
            var stage = entry
            let selector: RecordSelector?
            (selector, stage.params) = try SelectingStage.split(entry.params)
            if selector != nil && ["mine", "read-texts", "dedup-filter", "export"].contains(stage.kind) {
                throw config.document.error(entry.params.sub("select"), "select is for the stages between reading and dedup-filter, not \(stage.kind)")
            }
            func add(_ transform: TransformStage) { transforms.append(selector.map { SelectingStage(transform, selector: $0) } ?? transform) }
            switch stage.kind {
            case "mine":
                guard i == 0 else { throw config.document.error(path + ".kind", "mine reads the pipeline inputs and must be the first stage") }
                source = MineStage(name: stage.name, settings: try MineSettings(stage.params))
            case "read-texts":
                guard i == 0 else { throw config.document.error(path + ".kind", "read-texts reads the pipeline inputs and must be the first stage") }
                source = ReadTextsStage(name: stage.name, settings: try ReadTextsSettings(stage.params))
            case "predict-length":
                add(try PredictLengthStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "plan":
                add(try PlanStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "write":
                add(try WriteStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "backtranslate":
                add(try BacktranslateStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "lengthen":
                add(try LengthenStage(stage, pipeline: config, modelIdentity: modelIdentity))
            case "constrain-length":
                add(try ConstrainLengthStage(stage))
            case "dedup-filter":
                transforms.append(try DedupFilterStage(stage))
            case "export":
                transforms.append(try ExportStage(stage))
            default:
                throw config.document.error(path + ".kind", "unknown stage kind '\(stage.kind)' (known: \(kinds.joined(separator: ", ")))")
            }
        }
        guard let source else { throw config.document.error("stages[0]", "the first stage must read the inputs (kind: mine or read-texts)") }
        if config.inputs.isEmpty { throw config.document.error("inputs", "the pipeline has no inputs") }
        return (source, transforms)
    }

    /// Whether any stage of the pipeline calls a model.
    public static func needsModel(_ config: PipelineConfig) -> Bool {
        config.stages.contains { modelKinds.contains($0.kind) }
    }
}
