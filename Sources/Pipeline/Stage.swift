import Logging

/// What a stage made of one input: records for the next stage, or a rejection with its reason.
public enum StageOutcome: Sendable {
    case records([Record])
    case rejected(id: String, Rejection)
}

/// Everything a stage may use while it runs.
public struct StageContext: Sendable {
    public let runID: String
    public let pipeline: PipelineConfig
    public let logger: Logger
    public let cancellation: Cancellation
    /// The model backend, for stages that call one (nil in pipelines without model stages).
    public let model: ModelHandle?

    public init(runID: String, pipeline: PipelineConfig, logger: Logger, cancellation: Cancellation, model: ModelHandle? = nil) {
        self.runID = runID
        self.pipeline = pipeline
        self.logger = logger
        self.cancellation = cancellation
        self.model = model
    }
}

/// Identity shared by every stage: its name in the pipeline and a hash of everything that shapes
/// its output (config, prompt templates, model identity). Changing the hash re-runs the stage.
public protocol StageIdentity: Sendable {
    var name: String { get }
    var kind: String { get }
    var configHash: String { get }
    /// Folder of the output folder its record shards go to (`shards`, or `dataset` for export).
    var outputFolder: String { get }
    /// Lines for the build summary (e.g. records, words, mean length score).
    func summaryLines() -> [String]
}

/// One unit of work of a source stage, in input order.
public enum SourceItem: Sendable {
    /// Computed now.
    case fresh(cacheKey: String, StageOutcome)
    /// Finished by an earlier run; its stored outputs are reused.
    case cached(cacheKey: String)
}

/// The first stage of a pipeline: turns the pipeline's inputs into records.
public protocol SourceStage: StageIdentity {
    /// How many work items to expect, for progress; nil when unknown.
    func estimatedItems(context: StageContext) throws -> Int?
    /// Produces every work item in a deterministic order. `finished` maps the cache keys already
    /// done to their first output's record id, so the stage can skip them (and still know them).
    func produce(context: StageContext, finished: [String: (recordID: String, rejected: Bool)],
                 emit: (SourceItem) async throws -> Void) async throws
}

/// A stage that maps each record of the previous stage to records or a rejection.
public protocol TransformStage: StageIdentity {
    /// How many records it works on at once.
    var concurrency: Int { get }
    /// Processes one record. Throwing marks the item failed (not done): a re-run retries it.
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome
}

/// A stage that must see all its input before it decides (dedup, clustering). The runner hands
/// it the records finished by earlier runs first (`observeKept`), then every new record
/// (`collect`), then asks for the outcome of each new record (`finish`).
public protocol BarrierStage: StageIdentity {
    /// A record this stage kept in an earlier run, so new records can be compared with it.
    func observeKept(_ record: Record) async throws
    /// A new input record and its cache key.
    func collect(_ record: Record, cacheKey: String, context: StageContext) async throws
    /// Called once the input has ended: the outcome of every collected record.
    func finish(context: StageContext) async throws -> [(cacheKey: String, outcome: StageOutcome)]
}

extension StageIdentity {
    public var outputFolder: String { "shards" }
    public func summaryLines() -> [String] { [] }
}
