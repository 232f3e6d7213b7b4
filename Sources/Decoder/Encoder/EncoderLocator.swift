import Foundation

/// Finds the sentence encoder's folder (`model.safetensors`, `tokenizer.json`, `config.json`).
///
/// Rule: the environment variable `LWDATA_ENCODER` if set (`none` or `off` turns the encoder
/// off), else the `all-MiniLM-L6-v2` folder beside the default model in the model cache
/// (`${LWDATA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lwdata}/models/`), where
/// `scripts/setup.sh` installs it.
public enum EncoderLocator {
    /// Folder name of the default encoder inside the cache's `models` folder.
    public static let defaultFolderName = "all-MiniLM-L6-v2"
    /// Files an encoder folder must hold.
    public static let requiredFiles = ["model.safetensors", "tokenizer.json", "config.json"]

    /// The folder the encoder is expected in (whether or not it exists), or nil when
    /// `LWDATA_ENCODER` turns it off.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["LWDATA_ENCODER"], !explicit.isEmpty {
            return ["none", "off"].contains(explicit.lowercased()) ? nil : explicit
        }
        var cacheOnly = environment
        cacheOnly["LWDATA_MODEL"] = nil
        let models = (ModelLocator.defaultModelPath(environment: cacheOnly) as NSString).deletingLastPathComponent
        return models + "/" + defaultFolderName
    }

    /// `directory` if given, else the default folder, checked to hold every required file;
    /// nil when the encoder is turned off. Throws `EncoderError.missing` naming what is absent.
    public static func existingDirectory(_ directory: String? = nil,
                                         environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        guard let candidate = directory ?? defaultDirectory(environment: environment) else { return nil }
        for file in requiredFiles {
            let path = candidate + "/" + file
            guard FileManager.default.fileExists(atPath: path) else {
                throw EncoderError.missing(path: directory == nil && file == requiredFiles[0] ? candidate : path, isDefault: directory == nil)
            }
        }
        return candidate
    }
}
