import Foundation
import Pipeline
import Stages
import Store

/// Why `lwdata merge` cannot decide near-duplicates across the parts.
enum CrossPartError: Error, CustomStringConvertible {
    case pipelineNeeded(stage: String)
    case pipelineDiffers(file: String, detail: String)

    var description: String {
        switch self {
        case let .pipelineNeeded(stage):
            return "stage '\(stage)' decides over all records at once (near-duplicates across parts): "
                + "pass --pipeline FILE, the pipeline the parts were built with, so merge can decide it over every part"
        case let .pipelineDiffers(file, detail):
            return "\(file) is not the pipeline the parts were built with: \(detail)"
        }
    }
}

/// Barrier stages (`dedup-filter`) decide within their part: a part never compares its answers with
/// another part's. After the shards are merged, the decisions of the first barrier stage and of
/// every later stage are forgotten in the merged folder, and a build of the same pipeline into it
/// decides them again over every part's records at once: the same `DedupFilterStage`, the same
/// clusters and ranks as one build, nothing recomputed before the barrier.
enum CrossPartDecisions {
    /// The position of the first barrier stage (one that decides over all its input records at
    /// once) of a built pipeline, nil when it has none.
    static func firstBarrier(of built: BuiltPipeline) -> Int? {
        built.stages.firstIndex { StageRegistry.type(of: $0.kind)?.shapeKind == .barrier }
    }

    /// Checks that `config` is the pipeline the parts were built with: the same stages in order, and
    /// the same configuration from the first barrier on (the stages the merge decides again).
    static func check(_ config: PipelineConfig, file: String, against built: BuiltPipeline, from barrier: Int) throws {
        // Model identities do not matter here: the stages compared (from the barrier on) call no model;
        // the encoder's does (semantic dedup in dedup-filter), and the rebuild after the merge embeds with it.
        let stages = try StageRegistry.build(config, encoderIdentity: ModelHandleFactory.encoderHandle().identity)
        let names = stages.map { "\($0.name) (\($0.kind))" }, builtNames = built.stages.map { "\($0.name) (\($0.kind))" }
        guard names == builtNames else {
            throw CrossPartError.pipelineDiffers(file: file, detail: "its stages are \(names.joined(separator: ", ")); "
                                                 + "the parts' are \(builtNames.joined(separator: ", "))")
        }
        for (stage, builtStage) in zip(stages, built.stages).dropFirst(barrier) where stage.configHash != builtStage.configHash {
            throw CrossPartError.pipelineDiffers(file: file, detail: "stage '\(stage.name)' is configured differently")
        }
    }

    /// Forgets every shard (kept records and rejects) of the stages from `barrier` on in the merged
    /// folder; returns the items forgotten.
    static func forget(from barrier: Int, of built: BuiltPipeline, in manifest: Manifest) throws -> Int {
        var forgotten = 0
        for stage in built.stages.dropFirst(barrier) {
            for shard in try manifest.shards(stage: stage.name) {
                forgotten += try manifest.items(inShard: shard.id).count
                try manifest.forgetShard(shard)
            }
        }
        return forgotten
    }
}
