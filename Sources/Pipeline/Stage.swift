import Store
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
    /// The model backends, for stages that call one (empty in pipelines without model stages).
    public let models: ModelSet
    /// Live progress of each stage by name: a stage with long items reports the units inside them.
    public let progress: [String: StageProgress]

    public init(runID: String, pipeline: PipelineConfig, logger: Logger, cancellation: Cancellation, models: ModelSet = ModelSet(),
                progress: [String: StageProgress] = [:]) {
        self.runID = runID
        self.pipeline = pipeline
        self.logger = logger
        self.cancellation = cancellation
        self.models = models
        self.progress = progress
    }
}

/// The parameters of a stage (`params:` in the pipeline file), read and checked. Everything that
/// changes a stage's output for the same input lives here (constants too), because the stage's
/// config hash is derived from this value's canonical JSON: a setting cannot be left out of it.
public protocol StageSettings: Encodable, Sendable {
    /// The `params:` keys it reads; any other key is an error naming the file and line.
    static var keys: [String] { get }
    /// Reads the parameters (already restricted to `keys`); prompt paths are relative to the pipeline file.
    init(_ params: ConfigObject, pipeline: PipelineConfig) throws
    /// Whether these settings make the stage embed text with the sentence encoder (its identity
    /// then joins the config hash).
    var usesEncoder: Bool { get }
}

extension StageSettings {
    public var usesEncoder: Bool { false }
}

/// How the runner drives a stage.
public enum StageShapeKind: String, Sendable {
    /// Turns the pipeline's inputs into records; always the first stage, and only the first.
    case source
    /// Maps each record to records or a rejection, many at once.
    case map
    /// Sees all its input before it decides (dedup, clustering).
    case barrier
}

/// A built stage in its runnable form: the runner switches on this, so every shape is driven.
public enum StageShape: Sendable {
    case source(any SourceStage)
    case map(any MapStage)
    case barrier(any BarrierStage)

    /// The stage, whatever its shape.
    public var stage: any Stage {
        switch self {
        case .source(let s): return s
        case .map(let s): return s
        case .barrier(let s): return s
        }
    }
}

/// One stage type: its kind (the `kind:` of a pipeline file), its shape, whether it calls a model,
/// whether `select:` may wrap it, its settings, and how it is made from them. A stage conforms to
/// exactly one of `SourceStage`, `MapStage` and `BarrierStage`, which supply its shape.
public protocol Stage: Sendable {
    associatedtype Settings: StageSettings
    /// The `kind:` that names it in pipeline files.
    static var kind: String { get }
    /// Source, map or barrier (supplied by the shape protocol the stage conforms to).
    static var shapeKind: StageShapeKind { get }
    /// Whether it calls the model backend (its config hash then includes the model identity).
    static var callsModel: Bool { get }
    /// Whether `select:` may limit it to some records.
    static var selectable: Bool { get }
    /// Bumped whenever the stage's code changes its output for the same settings and input, so
    /// that finished items are recomputed.
    static var logicVersion: Int { get }
    /// Folder of the output folder its record shards go to.
    static var outputFolder: String { get }

    /// Its name in the pipeline.
    var name: String { get }
    var settings: Settings { get }
    init(name: String, settings: Settings) throws
    /// The stage in its runnable form (supplied by the shape protocol).
    var shape: StageShape { get }
    /// Lines for the build summary (e.g. records, words, mean length score).
    func summaryLines() -> [String]
}

extension Stage {
    public static var callsModel: Bool { false }
    public static var selectable: Bool { false }
    public static var outputFolder: String { OutputLayout.shardsFolder }
    public func summaryLines() -> [String] { [] }
}

/// One unit of work of a source stage, in input order.
public enum SourceItem: Sendable {
    /// Computed now.
    case fresh(cacheKey: String, StageOutcome)
    /// Finished by an earlier run; its stored outputs are reused.
    case cached(cacheKey: String)
}

/// The first stage of a pipeline: turns the pipeline's inputs into records.
public protocol SourceStage: Stage {
    /// How many work items to expect, for progress; nil when unknown.
    func estimatedItems(context: StageContext) throws -> Int?
    /// Produces every work item in a deterministic order, keyed by `keys` from what identifies the
    /// item's input (file, line, bytes). `finished` maps the cache keys already done to their first
    /// output's record id, so the stage can skip them (and still know them).
    func produce(context: StageContext, keys: StageKeys, finished: [String: (recordID: String, rejected: Bool)],
                 emit: (SourceItem) async throws -> Void) async throws
}

/// A stage that maps each record of the previous stage to records or a rejection.
public protocol MapStage: Stage {
    /// Processes one record. Throwing marks the item failed (not done): a re-run retries it.
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome
}

/// A stage that must see all its input before it decides (dedup, clustering). The runner hands
/// it the records finished by earlier runs first (`observeKept`), then every new record
/// (`collect`), then asks for the outcome of each new record (`finish`).
public protocol BarrierStage: Stage {
    /// A record this stage kept in an earlier run, so new records can be compared with it.
    func observeKept(_ record: Record) async throws
    /// A new input record and its cache key.
    func collect(_ record: Record, cacheKey: String, context: StageContext) async throws
    /// Called once the input has ended: the outcome of every collected record.
    func finish(context: StageContext) async throws -> [(cacheKey: String, outcome: StageOutcome)]
}

extension SourceStage {
    public static var shapeKind: StageShapeKind { .source }
    public var shape: StageShape { .source(self) }
}

extension MapStage {
    public static var shapeKind: StageShapeKind { .map }
    public var shape: StageShape { .map(self) }
}

extension BarrierStage {
    public static var shapeKind: StageShapeKind { .barrier }
    public var shape: StageShape { .barrier(self) }
}
