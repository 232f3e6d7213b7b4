/// The keys and values of every position processed so far in one sequence, for every layer.
///
/// One cache belongs to one sequence; several sequences run on one model with one cache
/// each. Storage for `capacity` positions is reserved up front, so a long generation never
/// reallocates (the operating system commits pages only as positions are written).
public final class KVCache {
    /// Positions the cache can hold.
    public let capacity: Int
    /// Positions stored so far (the next token's position).
    public private(set) var count = 0

    let layerCount: Int
    let width: Int
    private let keys: FloatBuffer
    private let values: FloatBuffer

    init(layerCount: Int, width: Int, capacity: Int) {
        self.layerCount = layerCount
        self.width = width
        self.capacity = capacity
        keys = FloatBuffer(count: layerCount * capacity * width)
        values = FloatBuffer(count: layerCount * capacity * width)
    }

    /// Forgets every position, to start a new sequence with the same storage.
    public func reset() { count = 0 }

    /// Keeps only the first `positions` positions (a shared prompt prefix), forgetting the rest.
    public func truncate(to positions: Int) {
        precondition(positions >= 0 && positions <= count)
        count = positions
    }

    /// Key vector (`width` floats) of `position` in `layer`.
    @inline(__always)
    func key(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        keys[offset: (layer * capacity + position) * width]
    }

    /// Value vector (`width` floats) of `position` in `layer`.
    @inline(__always)
    func value(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        values[offset: (layer * capacity + position) * width]
    }

    /// Marks `positions` more positions as stored (after every layer wrote them).
    func advance(by positions: Int) {
        precondition(count + positions <= capacity)
        count += positions
    }
}
