import Foundation

/// Bounds that keep `HTTPServer`'s threads and memory finite whatever clients do.
public struct HTTPServerLimits: Sendable, Equatable {
    /// Connections open at once, whether reading a request or being answered; a connection past
    /// it is answered 503 with `Retry-After` and closed.
    public var maxConnections = 1024
    /// Bytes of request bodies held across all connections (each request reserves its
    /// Content-Length when its headers arrive); a request that would go past it gets 503. Bodies
    /// over 64 KB may fill three quarters of it, the rest is kept for ordinary requests.
    public var maxBufferedBytes = 128 << 20
    /// Bytes of one request's headers (431 past it).
    public var maxHeaderBytes = 64 << 10
    /// Bytes of one request's body (413 past it).
    public var maxBodyBytes = 32 << 20
    /// Seconds without a byte from a client that has not finished its request (408).
    public var readTimeout: Double = 30
    /// Seconds to receive a whole request, headers and body, however steadily it trickles in (408).
    public var requestTimeout: Double = 60
    /// Seconds a 503 asks the client to wait (`Retry-After`).
    public var retryAfterSeconds = 1

    public init() {}
}
