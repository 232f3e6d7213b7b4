import Digest
import Foundation
import TestSupport
import Testing
@testable import Store

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingMatchesTheSha256sumTool() throws {
        let folder = TempFolder("sha")
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<1_000_003).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = folder.file("blob")
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        var hasher = SHA256()
        // Odd chunk sizes cross the 64-byte block boundary in every way.
        var offset = 0
        for size in [1, 63, 64, 65, 127, 4096, 100_000] where offset < bytes.count {
            let end = min(bytes.count, offset + size)
            hasher.update(Array(bytes[offset..<end]))
            offset = end
        }
        hasher.update(Array(bytes[offset...]))
        let tool = try runTool("sha256sum", [path]).output.prefix(64)
        #expect(hasher.finalizeHex() == String(tool))
        #expect(try FileSystem.sha256(ofFile: path) == String(tool))
    }
}
