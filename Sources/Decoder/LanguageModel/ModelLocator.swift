import Foundation

/// Finds the GGUF model file to load when the user names none.
///
/// Rule: the environment variable `LWDATA_MODEL` if set, else
/// `${LWDATA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lwdata}/models/SmolLM2-135M-Instruct.Q4_1.gguf`,
/// the place `scripts/setup.sh` installs the default model to.
public enum ModelLocator {
    /// File name of the default model inside the cache's `models` folder.
    public static let defaultModelFileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The path the default model is expected at (whether or not it exists).
    public static func defaultModelPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = nonEmpty(environment["LWDATA_MODEL"]) { return explicit }
        let cache: String
        if let lwdataCache = nonEmpty(environment["LWDATA_CACHE"]) {
            cache = lwdataCache
        } else {
            let xdg = nonEmpty(environment["XDG_CACHE_HOME"]) ?? ((nonEmpty(environment["HOME"]) ?? NSHomeDirectory()) + "/.cache")
            cache = xdg + "/lwdata"
        }
        return cache + "/models/" + defaultModelFileName
    }

    /// `path` if given, else the default model path; throws `ModelLocatorError.modelMissing`
    /// when no file is there.
    public static func existingModelPath(_ path: String? = nil,
                                         environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let candidate = path ?? defaultModelPath(environment: environment)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ModelLocatorError.modelMissing(path: candidate, isDefault: path == nil)
        }
        return candidate
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

/// Why no model file could be found.
public enum ModelLocatorError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// No file at `path`; `isDefault` tells whether the path came from the default lookup.
    case modelMissing(path: String, isDefault: Bool)

    public var description: String {
        switch self {
        case .modelMissing(let path, true):
            return "model file not found at \(path): run scripts/setup.sh to install the default model, or set LWDATA_MODEL to a GGUF file"
        case .modelMissing(let path, false):
            return "model file not found at \(path)"
        }
    }

    public var errorDescription: String? { description }
}
