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
        let api = OpenAIServer(generator: backend, modelName: name)
        let server: HTTPServer
        do {
            server = try HTTPServer(host: host, port: port, handler: api.handler)
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
}
