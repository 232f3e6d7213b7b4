/// The model backends of a build: the pipeline's `model:` section, and the ones stages name in
/// their own `model:` (a judge on another server, say). Each is one handle with its own identity
/// and usage meter; stages ask for theirs by name. The sentence encoder is here too, for the
/// stages that embed text (relevance, semantic dedup).
public struct ModelSet: Sendable {
    /// The pipeline's model, for every model stage without its own.
    public var pipeline: ModelHandle?
    /// Stages with a `model:` of their own, by stage name.
    public var byStage: [String: ModelHandle]
    /// The sentence encoder, loaded when a stage first asks for it.
    public var encoder: EncoderHandle

    public init(pipeline: ModelHandle? = nil, byStage: [String: ModelHandle] = [:], encoder: EncoderHandle = .none) {
        self.pipeline = pipeline
        self.byStage = byStage
        self.encoder = encoder
    }

    /// The model stage `name` calls.
    public func handle(forStage name: String) -> ModelHandle? { byStage[name] ?? pipeline }

    /// Every handle once.
    public var all: [ModelHandle] {
        var seen = Set<ObjectIdentifier>()
        return ([pipeline].compactMap { $0 } + byStage.keys.sorted().compactMap { byStage[$0] })
            .filter { seen.insert(ObjectIdentifier($0.meter)).inserted }
    }
}
