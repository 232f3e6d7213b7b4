import Digest

/// How finished items are found again: the key of an item is the hash of its stage's name, the
/// stage's chained config hash and what identifies its input (the input record's id, or for a
/// source stage the file, line and bytes it read). The chained hash of a stage is its own config
/// hash chained with every earlier stage's, so that a changed prompt or parameter re-runs that
/// stage and every stage after it, and nothing before. The runner, the repair and the dry run
/// all key items through this type.
public struct CacheKeys: Sendable {
    /// The chained config hash of each stage, in pipeline order.
    public let chainedHashes: [String]
    public let stageNames: [String]

    public init(stages: [PipelineStage]) {
        var hashes: [String] = []
        for stage in stages {
            hashes.append(hashes.last.map { ContentHash.of($0, stage.configHash) } ?? stage.configHash)
        }
        chainedHashes = hashes
        stageNames = stages.map(\.name)
    }

    /// The keys of the stage at `index`.
    public func stage(_ index: Int) -> StageKeys {
        StageKeys(stage: stageNames[index], chainedHash: chainedHashes[index])
    }
}

/// The cache keys of one stage's items.
public struct StageKeys: Sendable {
    public let stage: String
    public let chainedHash: String

    public init(stage: String, chainedHash: String) {
        self.stage = stage
        self.chainedHash = chainedHash
    }

    /// The key of the item whose input is identified by `input` (a record id, or a source's
    /// file, line and content digest).
    public func key(_ input: String...) -> String { ContentHash.of([stage, chainedHash] + input) }
}
