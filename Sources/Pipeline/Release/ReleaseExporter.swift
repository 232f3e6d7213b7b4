import Foundation
import Store

/// How `lwdata export` compresses the files it writes.
public enum ExportCompression: String, CaseIterable, Sendable {
    /// `.jsonl.zst` (Hugging Face `datasets`, `zstd -dc`, Python `zstandard`).
    case zstd
    /// `.jsonl` (LLaMA-Factory reads only plain files).
    case none

    var fileExtension: String { self == .zstd ? ".jsonl.zst" : ".jsonl" }
}

/// What an export wrote.
public struct ExportSummary: Sendable {
    public var destination: String
    public var records: Int
    /// Paths relative to the destination.
    public var files: [String]
    /// Whether `dataset_info.json` (LLaMA-Factory) was written.
    public var wroteDatasetInfo: Bool
    /// Pairs a one-prompt format cannot hold (their halves' prompts differ), left out.
    public var pairsLeftOut: Int
}

/// Converts a release's records to a training format:
///
/// ```
/// <to>/data/<format>-00000.jsonl[.zst]   one output file per release file, same record order
/// <to>/export.json                       release, format, files with records and SHA-256
/// <to>/dataset_info.json                 the LLaMA-Factory entry (plain JSONL only)
/// ```
///
/// Each release file is checked against its registered SHA-256 before it is read. The export is
/// built in `<to>.partial` and renamed into place; an earlier export at `<to>` (one with
/// `export.json`) is replaced, anything else there is left alone.
public enum ReleaseExporter {
    public static let dataFolder = "data"

    public static func export(release: Release, layout: ReleaseLayout, format: ExportFormat, compression: ExportCompression,
                              destination: String, datasetName: String, zstdLevel: Int32 = 3) throws -> ExportSummary {
        let destination = destination.count > 1 && destination.hasSuffix("/") ? String(destination.dropLast()) : destination
        if FileManager.default.fileExists(atPath: destination) && !FileSystem.entries(of: destination).isEmpty
            && !FileSystem.fileExists(destination + "/export.json") {
            throw ExportError.destinationInUse(path: destination)
        }
        let staging = destination + ".partial"
        try FileSystem.removeTree(staging)
        do {
            let summary = try write(release: release, layout: layout, format: format, compression: compression, staging: staging,
                                    datasetName: datasetName, zstdLevel: zstdLevel)
            try replace(destination, with: staging)
            return ExportSummary(destination: destination, records: summary.records, files: summary.files,
                                 wroteDatasetInfo: summary.wroteDatasetInfo, pairsLeftOut: summary.pairsLeftOut)
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }

    /// Writes the whole export into `staging`; returns the records and files written.
    private static func write(release: Release, layout: ReleaseLayout, format: ExportFormat, compression: ExportCompression,
                              staging: String, datasetName: String, zstdLevel: Int32)
        throws -> (records: Int, files: [String], wroteDatasetInfo: Bool, pairsLeftOut: Int) {
        try FileSystem.makeDirectories(staging + "/" + dataFolder)
        var columns = ExportFormat.Columns()
        var written: [ExportedFile] = []
        var pairsLeftOut = 0
        // Training records and pair records live in different files (one stage each); a file
        // with no record of this format's kind writes nothing.
        for (index, file) in release.files.enumerated() {
            let source = layout.folder(of: release.id) + "/" + file.path
            guard try FileSystem.sha256(ofFile: source) == file.sha256 else { throw ExportError.releaseFileAltered(path: source) }
            let name = "\(dataFolder)/\(format.rawValue)-\(String(format: "%05d", index))\(compression.fileExtension)"
            let sink: ExportSink = compression == .zstd ? try ShardWriter(path: staging + "/" + name, level: zstdLevel)
                                                        : try ExportPlainWriter(path: staging + "/" + name)
            var line = 0
            try LineReader(path: source).forEach { bytes in
                line += 1
                do {
                    guard let bytes else { throw ExportFailure("the line is too long") }
                    let record = try JSONValue.parse(bytes)
                    if let converted = try format.convert(record, columns: &columns) {
                        try sink.append(line: converted.serialized())
                    } else if format.isPairFormat && ExportFormat.isPair(record) {
                        pairsLeftOut += 1
                    }
                } catch let failure as ExportFailure {
                    throw ExportError.notAConversation(file: source, line: line, detail: failure.detail)
                } catch let error as JSONParser.Failure {
                    throw ExportError.notAConversation(file: source, line: line, detail: "\(error)")
                }
            }
            var info = try sink.complete()
            if info.records == 0 {
                try FileSystem.removeTree(staging + "/" + name)
                continue
            }
            info.path = name
            written.append(info)
        }
        let records = written.reduce(0) { $0 + $1.records }
        let description: JSONValue = [
            "release": .string(release.id), "format": .string(format.rawValue), "compression": .string(compression.rawValue),
            "records": .int(records), "pairs_left_out": .int(pairsLeftOut),
            "files": .array(written.map {
                ["path": .string($0.path), "records": .int($0.records), "bytes": .int($0.bytes), "sha256": .string($0.sha256)]
            }),
        ]
        try FileSystem.writeDurably(try pretty(description), to: staging + "/export.json")
        let entry = compression == .none ? format.llamaFactoryEntry(fileName: dataFolder, columns: columns) : nil
        if let entry {
            try FileSystem.writeDurably(try pretty(.object([datasetName: entry])), to: staging + "/dataset_info.json")
        }
        return (records, written.map(\.path), entry != nil, pairsLeftOut)
    }

    /// Moves the finished staging folder to `destination`, replacing an earlier export there.
    private static func replace(_ destination: String, with staging: String) throws {
        let previous = destination + ".previous"
        try FileSystem.removeTree(previous)
        if FileManager.default.fileExists(atPath: destination) && rename(destination, previous) != 0 {
            throw StoreError.io(path: destination, operation: "rename", errno: errno)
        }
        if rename(staging, destination) != 0 { throw StoreError.io(path: destination, operation: "rename", errno: errno) }
        try FileSystem.syncDirectory(FileSystem.parent(of: destination))
        try FileSystem.removeTree(previous)
    }

    private static func pretty(_ value: JSONValue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
