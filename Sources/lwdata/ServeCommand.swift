import ArgumentParser
import BuiltinGeneration
import Decoder
import Foundation
import Generation

/// `lwdata serve`: the built-in decoder as an OpenAI-compatible server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the built-in decoder as an OpenAI-compatible API (/v1/chat/completions, /v1/models, /health).")

    @Option(name: .long, help: "GGUF model (default: LWDATA_MODEL, then the installed default model).")
    var model: String?

    @Option(name: .long, help: "Address to listen on; loopback unless you choose otherwise.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port (0 picks a free one and prints it).")
    var port = 8080

    @Option(name: .long, help: "Chat template (chatml, llama3) when the model's is not recognised.")
    var chatTemplate: String?

    @Option(name: .long, help: "Connections open at once, reading a request or being answered; past it, 503 with Retry-After.")
    var maxConnections = HTTPServerLimits().maxConnections

    @Option(name: .customLong("max-buffered-mb"), help: "Megabytes of request bodies held across all connections; a body past it gets 503.")
    var maxBufferedMegabytes = HTTPServerLimits().maxBufferedBytes >> 20

    @Option(name: .long, help: "Seconds without a byte before an unfinished request is cut off (408).")
    var readTimeout = HTTPServerLimits().readTimeout

    @Option(name: .long, help: "Seconds to receive a whole request, headers and body (408).")
    var requestTimeout = HTTPServerLimits().requestTimeout

    func validate() throws {
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard maxBufferedMegabytes >= 1 else { throw ValidationError("--max-buffered-mb must be at least 1") }
        guard readTimeout > 0, requestTimeout > 0 else { throw ValidationError("--read-timeout and --request-timeout must be positive") }
    }

    func run() async throws {
        let path: String
        do {
            path = try ModelLocator.existingModelPath(model)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.badConfiguration
        }
        let backend = try BuiltinBackend(modelPath: path, chatTemplate: chatTemplate)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let api = OpenAIServer(generator: backend, modelName: name, contextTokens: backend.contextTokens)
        let server: HTTPServer
        do {
            var limits = HTTPServerLimits()
            limits.maxConnections = maxConnections
            limits.maxBufferedBytes = maxBufferedMegabytes << 20
            limits.readTimeout = readTimeout
            limits.requestTimeout = requestTimeout
            Self.raiseOpenFileLimit(to: 2 * maxConnections + 64)
            server = try HTTPServer(host: host, port: port, limits: limits, handler: api.handler)
        } catch {
            Console.error("\(error)")
            throw ExitCodes.failure
        }
        server.start()
        Console.error("serving \(name) (\(backend.model.description)) on http://\(host):\(server.port)/v1")
        Console.out("listening on \(host):\(server.port)")
        var sources: [DispatchSourceSignal] = []
        let stop = AsyncStream<Void> { continuation in
            for signo in [SIGINT, SIGTERM] {
                signal(signo, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
                source.setEventHandler { continuation.finish() }
                source.resume()
                sources.append(source)
            }
        }
        for await _ in stop {}
        sources.forEach { $0.cancel() }
        server.stop()
    }

    /// Each connection is a file descriptor (twice over while a refused one drains): raise the
    /// soft limit toward the hard one so that the connection bound, not EMFILE, is what refuses.
    static func raiseOpenFileLimit(to wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
