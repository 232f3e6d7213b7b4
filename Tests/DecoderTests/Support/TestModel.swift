import Foundation
import Decoder

/// The real default model, found the way the application finds it.
enum TestModel {
    /// Path of the default model; tests that need it require it to exist.
    static var path: String { ModelLocator.defaultModelPath() }

    /// The model file, opened once and shared by the tests of the process.
    static let file: GGUFFile? = try? GGUFFile(path: path)
}
