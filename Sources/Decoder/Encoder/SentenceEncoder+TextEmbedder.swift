import Foundation
import Messages

extension SentenceEncoder: TextEmbedder {
    /// The folder's name and the size of its weights file (e.g. `all-MiniLM-L6-v2:90868376`).
    public var identity: String { Self.identity(ofDirectory: directory) }

    /// The identity of the encoder in `directory`, without loading it.
    public static func identity(ofDirectory directory: String) -> String {
        let weights = directory + "/model.safetensors"
        let size = (try? FileManager.default.attributesOfItem(atPath: weights)[.size] as? Int) ?? 0
        return (directory as NSString).lastPathComponent + ":" + String(size)
    }

    public func embed(_ texts: [String]) -> [[Float]] { encode(texts) }
}
