/// A fixed-size heap array of `Float` with a stable address, for scratch vectors and the KV
/// cache. Memory is reserved, not touched, at init: large buffers cost address space only
/// until written.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
    }

    /// A buffer of `count` zeros.
    convenience init(zeros count: Int) {
        self.init(count: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit { pointer.deallocate() }

    /// Pointer to element `index`.
    @inline(__always)
    subscript(offset index: Int) -> UnsafeMutablePointer<Float> { pointer + index }
}
