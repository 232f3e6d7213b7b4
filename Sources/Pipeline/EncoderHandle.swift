import Foundation
import Messages

/// The sentence encoder of a build, loaded on first use (a pipeline whose stages never embed
/// anything never reads its weights) and shared by every stage after that.
public final class EncoderHandle: Sendable {
    /// Why an encoder was asked for and could not be had.
    public enum Failure: Error, CustomStringConvertible {
        /// The encoder is turned off (`LWDATA_ENCODER=none`) or none was configured.
        case turnedOff(stage: String)
        /// Loading it failed.
        case loading(stage: String, underlying: String)

        public var description: String {
            switch self {
            case .turnedOff(let stage):
                return "stage \(stage) needs the sentence encoder, but it is turned off (LWDATA_ENCODER=none); set the stage's parameter that uses it to off, or unset LWDATA_ENCODER"
            case .loading(let stage, let underlying):
                return "stage \(stage) needs the sentence encoder: \(underlying) (scripts/setup.sh installs it; LWDATA_ENCODER names another folder)"
            }
        }
    }

    /// Identity of the encoder this handle loads, known without loading it (nil: turned off).
    public let identity: String?
    private let load: @Sendable () throws -> (any TextEmbedder)?
    // Guarded by `lock`: the loaded encoder or the loading error, once tried.
    nonisolated(unsafe) private var loaded: Result<(any TextEmbedder)?, Error>?
    private let lock = NSLock()

    /// A handle that calls `load` once, on first use. `load` returns nil when the encoder is off.
    public init(identity: String?, load: @escaping @Sendable () throws -> (any TextEmbedder)?) {
        self.identity = identity
        self.load = load
    }

    /// A handle for an encoder already in memory.
    public convenience init(_ embedder: any TextEmbedder) {
        self.init(identity: embedder.identity, load: { embedder })
    }

    /// No encoder: stages that need one fail with `Failure.turnedOff`.
    public static let none = EncoderHandle(identity: nil, load: { nil })

    /// The encoder, loaded on first call; `stage` names the caller in errors.
    public func embedder(forStage stage: String) throws -> any TextEmbedder {
        let result = lock.withLock { () -> Result<(any TextEmbedder)?, Error> in
            if let loaded { return loaded }
            let attempt = Result { try load() }
            loaded = attempt
            return attempt
        }
        switch result {
        case .success(let embedder?): return embedder
        case .success(nil): throw Failure.turnedOff(stage: stage)
        case .failure(let error): throw Failure.loading(stage: stage, underlying: "\(error)")
        }
    }
}
