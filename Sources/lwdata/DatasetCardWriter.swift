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
        for shard in try manifest.shards(role: .data) where shard.path.hasPrefix(OutputLayout.datasetFolder + "/") {
            try LineReader(path: manifest.absolutePath(shard.path)).forEach { line in
                if let line, let record = try? Record(line: line) { records.append(record) }
            }
        }
        let facts = DatasetCard.Facts(pipeline: config.name, description: config.description, license: config.license,
                                      files: release.files.map(\.path), releaseID: release.id)
        return DatasetCard.markdown(report, records: records, facts: facts)
    }
}
