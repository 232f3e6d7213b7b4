import Foundation
import Pipeline
import Stages
import Store

/// The dataset card of a release being published: the figures of the output folder's dataset and
/// the pipeline's name, description and license.
enum DatasetCardWriter {
    static func markdown(directory: String, release: Release, config: PipelineConfig) throws -> String {
        let manifest = try Manifest(directory: directory)
        let report = try DatasetReport(manifest: manifest)
        var records: [Record] = []
        // Pair records (make-pairs stages) are a config of their own, not training records.
        let pairStages = Set(try manifest.stageCounts(runID: release.runID).filter { $0.kind == MakePairsStage.kind }.map(\.name))
        for shard in try manifest.shards(role: .data) where shard.path.hasPrefix(OutputLayout.datasetFolder + "/") && !pairStages.contains(shard.stage) {
            try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                if let line, let record = try? Record(line: line) { records.append(record) }
            }
        }
        var facts = DatasetCard.Facts(pipeline: config.name, description: config.description, license: config.license,
                                      files: release.files.filter { !pairStages.contains($0.stage) }.map(\.path), releaseID: release.id)
        facts.pairFiles = release.files.filter { pairStages.contains($0.stage) }.map(\.path)
        return DatasetCard.markdown(report, records: records, facts: facts)
    }
}
