/// Looks up a model's tensors by name and checks their shapes, so a file that does not
/// match its own hyperparameters fails at load with an error naming the tensor.
struct TensorLoader {
    let file: GGUFFile

    /// The 2-D tensor `name` of `rows` rows of `columns` elements (GGUF shape `[columns, rows]`).
    func matrix(_ name: String, columns: Int, rows: Int) throws -> WeightMatrix {
        let info = try tensor(name, shape: [columns, rows])
        return WeightMatrix(file: file, tensor: info)
    }

    /// The 1-D tensor `name` of `count` elements, decoded to `Float` (norm weights are small).
    func vector(_ name: String, count: Int) throws -> [Float] {
        let info = try tensor(name, shape: [count])
        return info.type.dequantize(file.data(of: info).baseAddress!, count: count)
    }

    /// Like `vector(_:count:)`, or nil when the file has no tensor `name`.
    func optionalVector(_ name: String, count: Int) throws -> [Float]? {
        file.tensor(named: name) == nil ? nil : try vector(name, count: count)
    }

    private func tensor(_ name: String, shape: [Int]) throws -> GGUFTensorInfo {
        guard let info = file.tensor(named: name) else { throw ModelError.missingTensor(path: file.path, tensor: name) }
        guard info.dimensions == shape else {
            throw ModelError.shapeMismatch(path: file.path, tensor: name, expected: shape, found: info.dimensions)
        }
        return info
    }
}
