import Foundation
import Testing
import Decoder

@Suite("Model locator")
struct ModelLocatorTests {
    @Test("LWDATA_MODEL wins, then LWDATA_CACHE, then XDG_CACHE_HOME, then ~/.cache; empty values count as unset")
    func lookupOrder() {
        let file = ModelLocator.defaultModelFileName
        #expect(ModelLocator.defaultModelPath(environment: ["LWDATA_MODEL": "/m.gguf", "LWDATA_CACHE": "/c"]) == "/m.gguf")
        #expect(ModelLocator.defaultModelPath(environment: ["LWDATA_CACHE": "/c", "XDG_CACHE_HOME": "/x"]) == "/c/models/\(file)")
        #expect(ModelLocator.defaultModelPath(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/lwdata/models/\(file)")
        #expect(ModelLocator.defaultModelPath(environment: ["HOME": "/h", "LWDATA_MODEL": "", "XDG_CACHE_HOME": ""])
            == "/h/.cache/lwdata/models/\(file)")
    }

    @Test("a missing default model tells the user to run scripts/setup.sh")
    func missing() throws {
        let directory = try TemporaryDirectory()
        let environment = ["LWDATA_CACHE": directory.url.path]
        let expected = directory.url.path + "/models/" + ModelLocator.defaultModelFileName
        #expect(throws: ModelLocatorError.modelMissing(path: expected, isDefault: true)) {
            try ModelLocator.existingModelPath(environment: environment)
        }
        #expect(ModelLocatorError.modelMissing(path: expected, isDefault: true).description.contains("scripts/setup.sh"))
        #expect(throws: ModelLocatorError.modelMissing(path: directory.url.path, isDefault: false)) {
            try ModelLocator.existingModelPath(directory.url.path, environment: environment)
        }
        #expect(try ModelLocator.existingModelPath() == TestModel.path, "the installed default model is found")
    }
}
