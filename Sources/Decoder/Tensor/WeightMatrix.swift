/// A weight tensor used as a matrix, left in its file encoding inside the memory map:
/// `rows` rows of `columns` elements (`columns` is GGUF's contiguous `dimensions[0]`).
///
/// Products are computed on the encoded blocks, so the model's resident memory is the
/// mapped file, not a decoded copy.
public struct WeightMatrix: @unchecked Sendable {
    // @unchecked: a view of read-only memory-mapped weights.
    /// Tensor name, for error messages.
    public let name: String
    /// Encoding of the elements.
    public let type: GGMLType
    /// Number of rows (output size of a product).
    public let rows: Int
    /// Elements per row (input size of a product).
    public let columns: Int

    private let base: UnsafeRawPointer
    private let rowBytes: Int
    /// Keeps the mapping alive as long as the matrix is.
    private let file: GGUFFile

    /// The tensor `info` of `file` viewed as a matrix (all dimensions after the first are rows).
    public init(file: GGUFFile, tensor info: GGUFTensorInfo) {
        self.file = file
        name = info.name
        type = info.type
        rows = info.rowCount
        columns = info.rowLength
        rowBytes = info.rowBytes
        base = file.data(of: info).baseAddress!
    }

    /// Pointer to the encoded bytes of row `index`.
    @inline(__always)
    func row(_ index: Int) -> UnsafeRawPointer { base + index * rowBytes }

    /// Decodes row `index` into `output` (`columns` floats).
    public func dequantizeRow(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        precondition(index >= 0 && index < rows, "row \(index) outside \(name) (\(rows) rows)")
        type.dequantize(row(index), count: columns, into: output)
    }

    /// Decodes row `index` into a new array.
    public func dequantizeRow(_ index: Int) -> [Float] {
        precondition(index >= 0 && index < rows, "row \(index) outside \(name) (\(rows) rows)")
        return type.dequantize(row(index), count: columns)
    }

    /// `row(index) · x` for a vector `x` of `columns` floats.
    @inline(__always)
    func dot(row index: Int, _ x: PreparedVector) -> Float {
        type.dot(row: row(index), x, count: columns)
    }
}
