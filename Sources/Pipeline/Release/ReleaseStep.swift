import Foundation
import Store

/// The last step of a successful `lwdata build`: publish the dataset as a release and point
/// `latest` at it (nothing new when the dataset did not change since the newest release).
public enum ReleaseStep {
    /// Returns the line that tells what happened, nil when the pipeline writes no dataset.
    /// `card` writes the release's dataset card.
    public static func publish(directory: String, runID: String, card: ((Release) throws -> String)? = nil) throws -> String? {
        let started = Date()
        let outcome = try ReleasePublisher.publish(manifest: try Manifest(directory: directory), id: runID, runID: runID, card: card)
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        switch outcome {
        case .published(let release):
            return "release \(release.id): \(release.records) records in \(release.files.count) file(s) → \(ReleaseLayout(directory: directory).latestLink) (\(milliseconds) ms)"
        case .unchanged(let release):
            return "dataset unchanged: latest stays release \(release.id)"
        case .noDataset:
            return nil
        }
    }
}
