import Foundation

/// A fresh folder under the system temp dir, removed when the value is dropped.
public final class TempFolder {
    public let path: String

    public init(_ label: String = "test") {
        path = NSTemporaryDirectory() + "lwdata-\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }
}

/// Runs a command-line tool and returns its exit status and standard output.
@discardableResult
public func runTool(_ tool: String, _ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.standardError
    let input = Pipe()
    if stdin != nil { process.standardInput = input }
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin); try input.fileHandleForWriting.close() }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
