import Pipeline

/// Every stage type this build knows, and how a pipeline file's stage list becomes stages.
/// Adding a stage: one file with the type, one line in `types`, and its entry in
/// `schemas/pipeline.schema.json` (a test checks the two agree).
public enum StageRegistry {
    /// The stage types, one line each.
    public static let types: [any Stage.Type] = [
        MineStage.self,
        ReadTextsStage.self,
        PredictLengthStage.self,
        PlanStage.self,
        WriteStage.self,
        BacktranslateStage.self,
        LengthenStage.self,
        ConstrainLengthStage.self,
        JudgeStage.self,
        DecontaminateStage.self,
        DedupFilterStage.self,
        ExportStage.self,
        MakePairsStage.self,
    ]

    /// The stage kinds this build knows.
    public static var kinds: [String] { types.map { $0.kind } }

    /// The type of a stage kind.
    public static func type(of kind: String) -> (any Stage.Type)? { types.first { $0.kind == kind } }

    /// The stages of a pipeline, in order: a source stage first, then map and barrier stages.
    /// Every problem (an unknown kind, a stage in the wrong place, a bad parameter) is an error
    /// naming the file, the line and the key. `modelIdentity` names the backend and model (part
    /// of every model stage's config hash); `stageModelIdentities` those of stages with a `model:` of their own;
    /// `encoderIdentity` the sentence encoder (part of the hash of stages whose settings embed text).
    public static func build(_ config: PipelineConfig, modelIdentity: String? = nil,
                             stageModelIdentities: [String: String] = [:], encoderIdentity: String? = nil) throws -> [PipelineStage] {
        var stages: [PipelineStage] = []
        for (i, entry) in config.stages.enumerated() {
            let path = "stages[\(i)]"
            guard let type = type(of: entry.kind) else {
                throw config.document.error(path + ".kind", "unknown stage kind '\(entry.kind)' (known: \(kinds.joined(separator: ", ")))")
            }
            switch (type.shapeKind, i) {
            case (.source, 0), (.map, 1...), (.barrier, 1...): break
            case (.source, _):
                throw config.document.error(path + ".kind", "\(entry.kind) is a source stage (it reads the pipeline inputs) and must be the first stage")
            case (_, _):
                throw config.document.error(path + ".kind", "the first stage must read the inputs (a source stage: \(sourceKinds)); \(entry.kind) is a \(type.shapeKind.rawValue) stage")
            }
            // `select:` limits a stage to some records; the others pass it unchanged.
            let (selector, params) = try RecordSelector.split(entry.params)
            if selector != nil && !type.selectable {
                let selectable = types.filter { $0.selectable }.map { $0.kind }.joined(separator: ", ")
                throw config.document.error(entry.params.sub("select"), "select is for the stages between reading and dedup-filter (\(selectable)), not \(entry.kind)")
            }
            if entry.model != nil && !type.callsModel {
                throw config.document.error(path + ".model", "\(entry.kind) calls no model; model: is for model stages")
            }
            stages.append(try type.build(entry, params: params, selector: selector, pipeline: config,
                                         modelIdentity: stageModelIdentities[entry.name] ?? modelIdentity,
                                         encoderIdentity: encoderIdentity))
        }
        if config.inputs.isEmpty { throw config.document.error("inputs", "the pipeline has no inputs") }
        return stages
    }

    /// Whether any stage of the pipeline calls the pipeline's own model (not one of its own).
    public static func needsModel(_ config: PipelineConfig) -> Bool {
        config.stages.contains { $0.model == nil && (type(of: $0.kind)?.callsModel ?? false) }
    }

    private static var sourceKinds: String { types.filter { $0.shapeKind == .source }.map { $0.kind }.joined(separator: ", ") }
}
