import CKernels
import Foundation

/// The keys and values of every position processed so far in one sequence, for every layer.
///
/// One cache belongs to one sequence; several sequences run on one model with one cache
/// each. Storage for `capacity` positions is reserved up front, so a long generation never
/// reallocates (the operating system commits pages only as positions are written). Entries
/// are IEEE half floats (`halfPrecision`, llama.cpp's default: half the memory and half the
/// bytes attention reads per token) or `Float`.
public final class KVCache {
    /// Positions the cache can hold.
    public let capacity: Int
    /// Positions stored so far (the next token's position).
    public private(set) var count = 0
    /// Whether entries are stored as half floats.
    public let halfPrecision: Bool

    let layerCount: Int
    let width: Int
    private let keys: UnsafeMutableRawPointer
    private let values: UnsafeMutableRawPointer
    private let mappedBytes: Int

    init(layerCount: Int, width: Int, capacity: Int, halfPrecision: Bool) throws {
        self.layerCount = layerCount
        self.width = width
        self.capacity = capacity
        self.halfPrecision = halfPrecision
        // Anonymous mappings rather than malloc: pages are committed only when written and go
        // back to the system when the cache is freed (malloc keeps freed blocks of a few MB in
        // its heap, which showed as ~160 MB of extra peak memory in `lwdata bench decode`).
        mappedBytes = max(1, layerCount * capacity * width * (halfPrecision ? 2 : 4))
        keys = try Self.map(mappedBytes)
        do {
            values = try Self.map(mappedBytes)
        } catch {
            munmap(keys, mappedBytes)
            throw error
        }
    }

    private static func map(_ bytes: Int) throws -> UnsafeMutableRawPointer {
        guard let pointer = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              pointer != MAP_FAILED else {
            throw ModelError.cacheAllocationFailed(bytes: bytes, reason: String(cString: strerror(errno)))
        }
        return pointer
    }

    deinit {
        munmap(keys, mappedBytes)
        munmap(values, mappedBytes)
    }

    /// Bytes the cache reserves (committed only as positions are written).
    public var reservedBytes: Int { 2 * layerCount * capacity * width * (halfPrecision ? 2 : 4) }

    /// Forgets every position, to start a new sequence with the same storage.
    public func reset() { count = 0 }

    /// Keeps only the first `positions` positions (a shared prompt prefix), forgetting the rest.
    public func truncate(to positions: Int) {
        precondition(positions >= 0 && positions <= count)
        count = positions
    }

    /// Element offset of `position` in `layer`.
    @inline(__always)
    private func offset(layer: Int, position: Int) -> Int { (layer * capacity + position) * width }

    /// Stores the key and value vectors (`width` floats each) of `position` in `layer`.
    func store(layer: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let at = offset(layer: layer, position: position)
        if halfPrecision {
            lw_f32_to_f16(key, keys.assumingMemoryBound(to: UInt16.self) + at, Int64(width))
            lw_f32_to_f16(value, values.assumingMemoryBound(to: UInt16.self) + at, Int64(width))
        } else {
            (keys.assumingMemoryBound(to: Float.self) + at).update(from: key, count: width)
            (values.assumingMemoryBound(to: Float.self) + at).update(from: value, count: width)
        }
    }

    /// Key vector of `position` in `layer` in a `Float` cache.
    @inline(__always)
    func key(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        keys.assumingMemoryBound(to: Float.self) + offset(layer: layer, position: position)
    }

    /// Value vector of `position` in `layer` in a `Float` cache.
    @inline(__always)
    func value(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        values.assumingMemoryBound(to: Float.self) + offset(layer: layer, position: position)
    }

    /// Key vector of `position` in `layer` in a half-precision cache.
    @inline(__always)
    func halfKey(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        keys.assumingMemoryBound(to: UInt16.self) + offset(layer: layer, position: position)
    }

    /// Value vector of `position` in `layer` in a half-precision cache.
    @inline(__always)
    func halfValue(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        values.assumingMemoryBound(to: UInt16.self) + offset(layer: layer, position: position)
    }

    /// Replaces this cache's positions with the stored positions of `other` (same model and
    /// element type, at most this cache's capacity): many sequences at one depth from one prefill.
    public func copyPositions(from other: KVCache) {
        precondition(other.layerCount == layerCount && other.width == width && other.halfPrecision == halfPrecision
                     && other.count <= capacity)
        let elementBytes = halfPrecision ? 2 : 4
        let rowBytes = other.count * width * elementBytes
        for layer in 0 ..< layerCount {
            let to = offset(layer: layer, position: 0) * elementBytes
            let from = other.offset(layer: layer, position: 0) * elementBytes
            (keys + to).copyMemory(from: other.keys + from, byteCount: rowBytes)
            (values + to).copyMemory(from: other.values + from, byteCount: rowBytes)
        }
        count = other.count
    }

    /// Marks `positions` more positions as stored (after every layer wrote them).
    func advance(by positions: Int) {
        precondition(count + positions <= capacity)
        count += positions
    }
}
