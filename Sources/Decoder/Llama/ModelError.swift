import Foundation

/// Why a model could not be built from a GGUF file or could not run a request.
public enum ModelError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// `general.architecture` names an architecture this decoder does not implement.
    case unsupportedArchitecture(path: String, architecture: String)
    /// A required metadata key is absent.
    case missingMetadata(path: String, key: String)
    /// A metadata value has the wrong type or an impossible value.
    case invalidMetadata(path: String, key: String, reason: String)
    /// A required tensor is absent.
    case missingTensor(path: String, tensor: String)
    /// A tensor's shape does not match the hyperparameters.
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// A request needs more positions than the KV cache (or the model's context) holds.
    case contextOverflow(requested: Int, capacity: Int)
    /// A KV cache larger than the model's trained context was asked for.
    case cacheLargerThanContext(requested: Int, contextLength: Int)
    /// A token id outside the vocabulary.
    case tokenOutOfRange(token: Int32, vocabularySize: Int)
    /// A KV cache made for a different model shape was passed to `forward`.
    case incompatibleCache
    /// The system would not reserve memory for a KV cache.
    case cacheAllocationFailed(bytes: Int, reason: String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let path, let architecture):
            return "\(path): model architecture '\(architecture)' is not supported (supported: \(LlamaConfiguration.supportedArchitectures.joined(separator: ", ")))"
        case .missingMetadata(let path, let key):
            return "\(path): required metadata key '\(key)' is missing"
        case .invalidMetadata(let path, let key, let reason):
            return "\(path): metadata key '\(key)' is invalid: \(reason)"
        case .missingTensor(let path, let tensor):
            return "\(path): required tensor '\(tensor)' is missing"
        case .shapeMismatch(let path, let tensor, let expected, let found):
            return "\(path): tensor '\(tensor)' has shape \(found), the hyperparameters require \(expected)"
        case .contextOverflow(let requested, let capacity):
            return "request needs \(requested) positions but the context holds \(capacity)"
        case .cacheLargerThanContext(let requested, let contextLength):
            return "a KV cache of \(requested) positions exceeds the model's context length \(contextLength)"
        case .tokenOutOfRange(let token, let vocabularySize):
            return "token id \(token) is outside the vocabulary (\(vocabularySize) tokens)"
        case .incompatibleCache:
            return "the KV cache was made for a model of a different shape"
        case .cacheAllocationFailed(let bytes, let reason):
            return "cannot reserve \(bytes) bytes for a KV cache: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
