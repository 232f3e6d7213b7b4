import Store
import Foundation
import TestSupport

/// Runs the real `lwdata` executable built next to the test bundle.
enum LWDataBinary {
    static let path: String = {
        if let explicit = ProcessInfo.processInfo.environment["LWDATA_BIN"] { return explicit }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") { folder.deleteLastPathComponent() }
        return folder.appendingPathComponent("lwdata").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `lwdata` with arguments; the caller waits or kills.
    static func start(_ arguments: [String], stdout: Pipe = Pipe(), stderr: Pipe = Pipe()) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `lwdata` to the end.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let out = Pipe(), err = Pipe()
        let process = try start(arguments, stdout: out, stderr: err)
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        // The reader thread fills `errData` and is awaited before it is read.
        nonisolated(unsafe) var errData = Data()
        let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errReader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Writes a large prompt JSONL file (with repeats, a few bad lines) and a pipeline reading it.
func writeLargeInput(in folder: TempFolder, lines: Int, shardRecords: Int) throws -> String {
    var text = ""
    for i in 0..<lines {
        if i % 997 == 0 { text += "{not json \(i)\n"; continue }
        let topic = i % 11 == 0 ? i / 11 % 50 : i
        text += #"{"prompt": "Write a detailed report about subject \#(topic), covering history, economics and outlook."}"# + "\n"
    }
    try text.write(toFile: folder.file("input.jsonl"), atomically: true, encoding: .utf8)
    let pipeline = folder.file("big.yaml")
    try """
    name: big
    inputs: [input.jsonl]
    output:
      shard_max_records: \(shardRecords)
    stages:
      - name: mine
    """.write(toFile: pipeline, atomically: true, encoding: .utf8)
    return pipeline
}

/// Every record line of the shards of a role registered in an output folder's manifest, sorted.
func registeredLines(_ out: String, _ role: ShardRole) throws -> [String] {
    let manifest = try Manifest(directory: out)
    var lines: [String] = []
    for shard in try manifest.shards(role: role) {
        try LineReader(path: manifest.absolutePath(shard.path)).forEach { lines.append(String(decoding: $0 ?? [], as: UTF8.self)) }
    }
    return lines.sorted()
}
