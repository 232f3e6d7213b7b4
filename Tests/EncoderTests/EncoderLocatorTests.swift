import Foundation
import Testing
import Decoder

@Suite("Encoder locator")
struct EncoderLocatorTests {
    @Test("LWDATA_ENCODER wins (none/off turn the encoder off), else the folder beside the default model")
    func lookupOrder() {
        #expect(EncoderLocator.defaultDirectory(environment: ["LWDATA_ENCODER": "/e", "LWDATA_CACHE": "/c"]) == "/e")
        #expect(EncoderLocator.defaultDirectory(environment: ["LWDATA_ENCODER": "none"]) == nil)
        #expect(EncoderLocator.defaultDirectory(environment: ["LWDATA_ENCODER": "OFF"]) == nil)
        #expect(EncoderLocator.defaultDirectory(environment: ["LWDATA_CACHE": "/c", "LWDATA_MODEL": "/m/x.gguf"]) == "/c/models/all-MiniLM-L6-v2")
        #expect(EncoderLocator.defaultDirectory(environment: ["HOME": "/h", "LWDATA_ENCODER": ""]) == "/h/.cache/lwdata/models/all-MiniLM-L6-v2")
    }

    @Test("a missing encoder tells the user to run scripts/setup.sh; a folder without the weights names the file")
    func missing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expected = directory + "/models/all-MiniLM-L6-v2"
        #expect(throws: EncoderError.missing(path: expected, isDefault: true)) {
            try EncoderLocator.existingDirectory(environment: ["LWDATA_CACHE": directory])
        }
        #expect(EncoderError.missing(path: expected, isDefault: true).description.contains("scripts/setup.sh"))
        #expect(throws: EncoderError.missing(path: directory + "/model.safetensors", isDefault: false)) {
            try EncoderLocator.existingDirectory(directory)
        }
        #expect(try EncoderLocator.existingDirectory(environment: ["LWDATA_ENCODER": "off"]) == nil)
    }
}
