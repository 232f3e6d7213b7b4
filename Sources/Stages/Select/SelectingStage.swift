import Digest
import Pipeline

/// A transform stage limited by a `RecordSelector`: selected records go to the stage, the others
/// pass through unchanged.
public struct SelectingStage: TransformStage {
    public let inner: TransformStage
    public let selector: RecordSelector

    public init(_ inner: TransformStage, selector: RecordSelector) {
        self.inner = inner
        self.selector = selector
    }

    public var name: String { inner.name }
    public var kind: String { inner.kind }
    public var concurrency: Int { inner.concurrency }
    public var configHash: String { ContentHash.of(inner.configHash, selector.canonical) }
    public var outputFolder: String { inner.outputFolder }
    public func summaryLines() -> [String] { inner.summaryLines() }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        selector.selects(record) ? try await inner.process(record, context: context) : .records([record])
    }

    /// Splits the `select` key off a stage's parameters: the selector, and the parameters the stage itself reads.
    public static func split(_ params: ConfigObject) throws -> (RecordSelector?, ConfigObject) {
        guard let value = params.object["select"] else { return (nil, params) }
        let selector = try RecordSelector(ConfigObject(params.document, path: params.sub("select"), value: value, allowed: RecordSelector.keys))
        var rest = params.object
        rest["select"] = nil
        return (selector, try ConfigObject(params.document, path: params.path, value: .object(rest), allowed: Array(rest.keys)))
    }
}
