/// Why a sentence encoder could not be loaded.
public enum EncoderError: Error, Equatable, CustomStringConvertible {
    /// The encoder folder (or one of its files) is missing.
    case missing(path: String, isDefault: Bool)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A safetensors file is malformed: `reason` says where.
    case malformedSafetensors(path: String, reason: String)
    /// A tensor the model needs is absent.
    case missingTensor(path: String, name: String)
    /// A tensor has the wrong shape or an unsupported element type.
    case badTensor(path: String, name: String, reason: String)
    /// `tokenizer.json` or `config.json` is malformed: `field` names what is wrong.
    case malformedFile(path: String, field: String)

    public var description: String {
        switch self {
        case .missing(let path, true):
            return "sentence encoder not found at \(path): run scripts/setup.sh to install it, or set LWDATA_ENCODER to a folder holding model.safetensors, tokenizer.json and config.json"
        case .missing(let path, false):
            return "sentence encoder file not found at \(path)"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .malformedSafetensors(let path, let reason):
            return "\(path): not a valid safetensors file: \(reason)"
        case .missingTensor(let path, let name):
            return "\(path): tensor \(name) is missing"
        case .badTensor(let path, let name, let reason):
            return "\(path): tensor \(name): \(reason)"
        case .malformedFile(let path, let field):
            return "\(path): missing or invalid \(field)"
        }
    }
}
