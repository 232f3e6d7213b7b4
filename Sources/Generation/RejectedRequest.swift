import Foundation

/// A request a generator refused because of what it asks (a schema it cannot compile, a prompt
/// longer than the context): the caller's fault, so a server answers it with 400, not 500.
/// It reads exactly like the error it wraps.
public struct RejectedRequest: Error, CustomStringConvertible, LocalizedError {
    /// The generator's own error.
    public let underlying: any Error
    /// What a server tells the client.
    public let clientMessage: String

    public init(_ underlying: any Error, clientMessage: String) {
        self.underlying = underlying
        self.clientMessage = clientMessage
    }

    public var description: String { "\(underlying)" }
    public var errorDescription: String? { underlying.localizedDescription }
}
