import Foundation

/// The hyperparameters of a BERT encoder, read from its Hugging Face `config.json`.
public struct BertConfiguration: Decodable, Sendable, Equatable {
    public let hiddenSize: Int
    public let layerCount: Int
    public let headCount: Int
    public let intermediateSize: Int
    public let maxPositions: Int
    public let typeVocabularySize: Int
    public let vocabularySize: Int
    public let layerNormEpsilon: Float
    public let hiddenActivation: String

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", layerCount = "num_hidden_layers", headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size", maxPositions = "max_position_embeddings"
        case typeVocabularySize = "type_vocab_size", vocabularySize = "vocab_size"
        case layerNormEpsilon = "layer_norm_eps", hiddenActivation = "hidden_act"
    }

    /// Reads `config.json` at `path`; only `gelu` activations and a hidden size divisible by the head count are accepted.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EncoderError.unreadable(path: path, reason: "no such file or not readable")
        }
        do {
            self = try JSONDecoder().decode(BertConfiguration.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw EncoderError.malformedFile(path: path, field: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw EncoderError.malformedFile(path: path, field: context.codingPath.map(\.stringValue).joined(separator: "."))
        } catch {
            throw EncoderError.malformedFile(path: path, field: "JSON object")
        }
        guard hiddenActivation == "gelu" else { throw EncoderError.malformedFile(path: path, field: "hidden_act (only gelu is supported)") }
        guard headCount > 0, hiddenSize % headCount == 0 else { throw EncoderError.malformedFile(path: path, field: "num_attention_heads") }
    }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }
}
