import Foundation
import TestSupport
import Testing
@testable import Store

@Suite struct ShardRoundTripTests {
    static let lines: [String] = [
        #"{"id":"a","text":"plain ascii"}"#,
        #"{"id":"b","text":"中文，日本語のテキスト、한국어 텍스트"}"#,
        #"{"id":"c","text":"emoji 👩🏽‍💻🚀 and combining é, RTL مرحبا"}"#,
        #"{"id":"d","text":"escaped \n newline and \"quotes\" and \\ backslash"}"#,
        "{\"id\":\"e\",\"text\":\"" + String(repeating: "long line segment ", count: 300_000) + "\"}",
    ]

    func writeShard(_ path: String, _ lines: [String], level: Int32 = 3) throws -> ShardInfo {
        let writer = try ShardWriter(path: path, level: level)
        for line in lines { try writer.append(line: Array(line.utf8)) }
        return try writer.finish()
    }

    func readAll(_ path: String) throws -> [String] {
        let reader = try LineReader(path: path)
        var out: [String] = []
        try reader.forEach { out.append(String(decoding: $0 ?? [], as: UTF8.self)) }
        return out
    }

    @Test func unicodeAndVeryLongLinesRoundTrip() throws {
        let folder = TempFolder("shard")
        let path = folder.file("s/a.jsonl.zst")
        let info = try writeShard(path, Self.lines)
        #expect(info.records == Self.lines.count)
        #expect(info.uncompressedBytes == Self.lines.reduce(0) { $0 + $1.utf8.count + 1 })
        #expect(info.compressedBytes == FileSystem.fileSize(path))
        #expect(info.sha256 == (try FileSystem.sha256(ofFile: path)))
        #expect(!FileSystem.fileExists(path + ".tmp"))
        #expect(try readAll(path) == Self.lines)
    }

    @Test func emptyShardIsAValidEmptyFrame() throws {
        let folder = TempFolder("empty")
        let path = folder.file("empty.jsonl.zst")
        let info = try writeShard(path, [])
        #expect(info.records == 0 && info.uncompressedBytes == 0)
        #expect(try readAll(path).isEmpty)
        #expect(try runTool("zstd", ["-q", "-t", path]).status == 0)
    }

    @Test func theZstdToolReadsWhatWeWrite() throws {
        let folder = TempFolder("tool")
        let path = folder.file("t.jsonl.zst")
        _ = try writeShard(path, Self.lines)
        let (status, text) = try runTool("zstd", ["-dc", path])
        #expect(status == 0)
        #expect(text == Self.lines.joined(separator: "\n") + "\n")
    }

    @Test func weReadWhatTheZstdToolWritesAndPlainFiles() throws {
        let folder = TempFolder("plain")
        let plain = folder.file("p.jsonl")
        // No final newline, CRLF kept as data for the caller to handle.
        FileManager.default.createFile(atPath: plain, contents: Data("one\ntwo\r\nthree".utf8))
        #expect(try readAll(plain) == ["one", "two\r", "three"])
        #expect(try runTool("zstd", ["-q", "-f", "-19", plain, "-o", plain + ".zst"]).status == 0)
        let reader = try LineReader(path: plain + ".zst")
        #expect(reader.isCompressed)
        #expect(try readAll(plain + ".zst") == ["one", "two\r", "three"])
    }

    @Test func oversizedLinesAreReportedNotHeld() throws {
        let folder = TempFolder("big")
        let path = folder.file("big.jsonl")
        let big = String(repeating: "x", count: 3_000_000)
        FileManager.default.createFile(atPath: path, contents: Data("a\n\(big)\nb\n".utf8))
        let reader = try LineReader(path: path, maxLineBytes: 1 << 20)
        guard case .text(let a)? = try reader.next() else { Issue.record("first line"); return }
        #expect(a == Array("a".utf8))
        guard case .oversized(let count)? = try reader.next() else { Issue.record("second line should be oversized"); return }
        #expect(count == 3_000_000)
        guard case .text(let b)? = try reader.next() else { Issue.record("third line"); return }
        #expect(b == Array("b".utf8))
        #expect(try reader.next() == nil)
        #expect(reader.lineNumber == 3)
    }

    @Test func truncatedShardNamesTheFileAndHowFarItGot() throws {
        let folder = TempFolder("trunc")
        let path = folder.file("t.jsonl.zst")
        let many = (0..<20_000).map { #"{"id":"\#($0)","text":"record number \#($0) with some words"}"# }
        let info = try writeShard(path, many)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        FileManager.default.createFile(atPath: path, contents: data.prefix(info.compressedBytes / 2))
        do {
            _ = try readAll(path)
            Issue.record("a truncated shard must not read cleanly")
        } catch let error as StoreError {
            guard case .truncated(let p, let lines, _) = error else { Issue.record("expected truncated, got \(error)"); return }
            #expect(p == path)
            #expect(lines > 0 && lines < many.count)
            #expect("\(error)".contains(path))
        }
    }

    @Test func corruptShardIsAnErrorNamingTheFile() throws {
        let folder = TempFolder("corrupt")
        let path = folder.file("c.jsonl.zst")
        let many = (0..<5_000).map { #"{"id":"\#($0)","v":\#($0 * 7)}"# }
        let info = try writeShard(path, many)
        var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for i in stride(from: info.compressedBytes / 3, to: info.compressedBytes / 3 + 64, by: 1) { data[i] ^= 0x5A }
        FileManager.default.createFile(atPath: path, contents: Data(data))
        #expect(throws: StoreError.self) { _ = try readAll(path) }
        do { _ = try readAll(path) } catch { #expect("\(error)".contains(path)) }
    }
}
