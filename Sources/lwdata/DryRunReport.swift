import Foundation
import Logging
import Pipeline
import Stages
import Store

/// `lwdata build --dry-run`: what a build would compute and reuse at each stage, and why, without
/// loading a model, taking the lock or writing anything.
enum DryRunReport {
    static func run(config: PipelineConfig, directory: String, logger: Logger) async throws {
        let identities = try ModelHandleFactory.identities(config)
        let built = try StageRegistry.build(config, modelIdentity: identities.pipeline, stageModelIdentities: identities.byStage,
                                            encoderIdentity: ModelHandleFactory.encoderHandle().identity)
        let manifest = FileSystem.fileExists(OutputLayout(directory: directory).manifest) ? try Manifest(directory: directory, readOnly: true) : nil
        let stages = try await DryRunPlanner.plan(config: config, stages: built, manifest: manifest, logger: logger)
        Console.out(text(stages, pipeline: config.name, directory: directory))
    }

    static func text(_ stages: [DryRunStage], pipeline: String, directory: String) -> String {
        var lines = ["dry run of \(pipeline) into \(directory): no model loaded, nothing written"]
        for stage in stages {
            let why = stage.computed.sorted { $0.key < $1.key }.map { "\($0.key.description) \($0.value)" }
            lines.append("  \(stage.name.padding(toLength: 16, withPad: " ", startingAt: 0)) would compute \(stage.computedTotal), reuse \(stage.reused)"
                         + (why.isEmpty ? "" : " (" + why.joined(separator: ", ") + ")"))
        }
        let computed = stages.reduce(0) { $0 + $1.computedTotal }
        lines.append(computed == 0 ? "nothing to compute: a build would reuse every item"
                                   : "a build would compute \(computed) item(s) (an upper bound past the first stage that computes)")
        return lines.joined(separator: "\n")
    }
}
