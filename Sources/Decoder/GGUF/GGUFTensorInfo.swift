/// Where one tensor lives in a GGUF file and how it is shaped and encoded.
///
/// `dimensions[0]` is the contiguous dimension: a 2-D weight of shape `[n, m]` is `m` rows
/// of `n` elements each, stored row after row.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// Sizes of each dimension, contiguous dimension first.
    public let dimensions: [Int]
    /// Element encoding.
    public let type: GGMLType
    /// Byte offset of the tensor's data from the start of the file's data section.
    public let offset: Int
    /// Number of bytes the tensor's data occupies.
    public let byteCount: Int

    /// Total number of elements.
    public var elementCount: Int { dimensions.reduce(1, *) }
    /// Elements per row (the contiguous dimension).
    public var rowLength: Int { dimensions[0] }
    /// Number of rows (the product of all dimensions but the first).
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }
    /// Bytes per row.
    public var rowBytes: Int { type.rowBytes(rowLength) }
}
