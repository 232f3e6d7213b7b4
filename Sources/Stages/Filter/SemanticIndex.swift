import CBLAS
import CKernels
import Foundation

/// Exact search for pairs of sentence embeddings whose cosine similarity reaches a threshold,
/// with bounded memory: blocked all-pairs comparison.
///
/// Embeddings (unit length) are stored in half precision (2 bytes per dimension, 768 bytes for
/// all-MiniLM-L6-v2) in a `SpillColumn` that moves to an unlinked temporary file past the memory
/// budget. `findPairs` loads `blockRows` embeddings at a time as floats, multiplies each block
/// with every later block (`sgemm`, so a block pair is one matrix product) and reports the
/// entries at or above the threshold. Memory beyond the stored rows is two float blocks and one
/// block × block product (about 22 MB at 2,048 rows of 384); time grows with the square of the
/// number of embeddings. Results are exact up to the half-precision rounding of the embeddings.
public final class SemanticIndex {
    public let dimension: Int
    /// Cosine similarity from which a pair is reported.
    public let threshold: Double
    /// Embeddings per block of the search.
    public let blockRows: Int
    private let vectors: SpillColumn
    private var prior: [Bool] = []

    /// `memoryLimit` bounds the bytes of embeddings held in memory before they spill to `spillDirectory`.
    public init(dimension: Int, threshold: Double, memoryLimit: Int = 256 << 20, blockRows: Int = 2048,
                spillDirectory: String = NSTemporaryDirectory()) {
        self.dimension = dimension
        self.threshold = threshold
        self.blockRows = max(1, blockRows)
        vectors = SpillColumn(rowBytes: dimension * 2, memoryLimit: memoryLimit, directory: spillDirectory)
    }

    public var count: Int { prior.count }

    /// Bytes of embeddings currently held in memory (the rest is on disk).
    public var residentBytes: Int { vectors.residentBytes }

    /// Adds an embedding (unit length, `dimension` floats); `prior` marks one kept by an earlier
    /// run (pairs of two such are not reported). Returns its number (0, 1, 2, … in order of adding).
    @discardableResult
    public func add(_ embedding: [Float], prior isPrior: Bool = false) throws -> Int {
        precondition(embedding.count == dimension, "embedding of \(embedding.count) values, expected \(dimension)")
        var half = [UInt16](repeating: 0, count: dimension)
        lw_f32_to_f16(embedding, &half, Int64(dimension))
        return try add(half: half, prior: isPrior)
    }

    /// Adds an embedding already in half precision (`dimension` IEEE half values).
    @discardableResult
    public func add(half: [UInt16], prior isPrior: Bool = false) throws -> Int {
        precondition(half.count == dimension, "embedding of \(half.count) values, expected \(dimension)")
        try half.withUnsafeBytes { try vectors.append($0) }
        prior.append(isPrior)
        return prior.count - 1
    }

    /// The stored (half-precision) embedding number `row`.
    public func half(_ row: Int) throws -> [UInt16] {
        var half = [UInt16](repeating: 0, count: dimension)
        try half.withUnsafeMutableBytes { try vectors.read(row, into: $0) }
        return half
    }

    /// Calls `pair(a, b, similarity)` (a < b) once for every pair of active embeddings whose
    /// cosine similarity reaches the threshold, except pairs of two prior embeddings.
    public func findPairs(isActive: (Int) -> Bool = { _ in true }, _ pair: (Int, Int, Double) throws -> Void) throws {
        let n = count
        guard n > 1 else { return }
        let active = (0..<n).map(isActive)
        let rows = blockRows, d = dimension
        var half = [UInt16](repeating: 0, count: rows * d)
        var left = [Float](repeating: 0, count: rows * d)
        var right = [Float](repeating: 0, count: rows * d)
        var product = [Float](repeating: 0, count: rows * rows)
        var hits = [Int64](repeating: 0, count: 4096)
        let limit = Float(threshold)

        func load(_ range: Range<Int>, into out: inout [Float]) throws {
            try half.withUnsafeMutableBytes { try vectors.read(rows: range, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<range.count * d * 2])) }
            lw_f16_to_f32(half, &out, Int64(range.count * d))
        }

        for leftStart in stride(from: 0, to: n, by: rows) {
            let leftRange = leftStart..<min(n, leftStart + rows)
            guard leftRange.contains(where: { active[$0] }) else { continue }
            try load(leftRange, into: &left)
            for rightStart in stride(from: leftStart, to: n, by: rows) {
                let rightRange = rightStart..<min(n, rightStart + rows)
                let diagonal = rightStart == leftStart
                if !diagonal {
                    guard rightRange.contains(where: { active[$0] }) else { continue }
                    try load(rightRange, into: &right)
                }
                let m = leftRange.count, k = rightRange.count
                left.withUnsafeBufferPointer { a in
                    (diagonal ? left : right).withUnsafeBufferPointer { b in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(k), Int32(d), 1,
                                    a.baseAddress, Int32(d), b.baseAddress, Int32(d), 0, &product, Int32(k))
                    }
                }
                var found = lw_entries_at_least(product, Int64(m), Int64(k), limit, diagonal ? 1 : 0, &hits, Int64(hits.count))
                if found > hits.count {
                    hits = [Int64](repeating: 0, count: Int(found))
                    found = lw_entries_at_least(product, Int64(m), Int64(k), limit, diagonal ? 1 : 0, &hits, Int64(hits.count))
                }
                for hit in hits.prefix(Int(found)) {
                    let a = leftStart + Int(hit) / k, b = rightStart + Int(hit) % k
                    guard active[a], active[b], !(prior[a] && prior[b]) else { continue }
                    try pair(a, b, Double(product[Int(hit)]))
                }
            }
        }
    }
}
