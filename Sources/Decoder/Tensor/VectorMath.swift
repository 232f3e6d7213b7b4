import Foundation

/// The element-wise steps of a transformer forward pass on `Float` vectors, one function
/// per step (llama2.c style), with SIMD where it is easy.
enum VectorMath {
    /// Σ a_i b_i over `count` elements.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var accumulator = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            accumulator += va * vb
            i += 16
        }
        var total = sum(accumulator)
        while i < count {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }

    /// Σ of the lanes.
    @inline(__always)
    static func sum(_ v: SIMD16<Float>) -> Float {
        sum(v.lowHalf + v.highHalf)
    }

    /// Σ of the lanes.
    @inline(__always)
    static func sum(_ v: SIMD8<Float>) -> Float {
        sum(v.lowHalf + v.highHalf)
    }

    /// Σ of the lanes.
    @inline(__always)
    static func sum(_ v: SIMD4<Float>) -> Float {
        (v[0] + v[1]) + (v[2] + v[3])
    }

    /// `output = x / rms(x) * weight`, rms(x) = sqrt(mean(x²) + epsilon) (RMSNorm).
    static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, epsilon: Float, count: Int,
                        into output: UnsafeMutablePointer<Float>) {
        let meanSquare = dot(x, x, count: count) / Float(count)
        let scale = 1 / (meanSquare + epsilon).squareRoot()
        for i in 0 ..< count { output[i] = x[i] * scale * weight[i] }
    }

    /// In-place softmax over `count` elements.
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = -Float.infinity
        for i in 0 ..< count { maximum = max(maximum, x[i]) }
        var sum: Float = 0
        for i in 0 ..< count {
            x[i] = expf(x[i] - maximum)
            sum += x[i]
        }
        let scale = 1 / sum
        for i in 0 ..< count { x[i] *= scale }
    }

    /// `gate = silu(gate) * up` where silu(g) = g / (1 + e^(−g)) (the SwiGLU activation).
    static func swiGLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        for i in 0 ..< count {
            let g = gate[i]
            gate[i] = g / (1 + expf(-g)) * up[i]
        }
    }

    /// `y += x` over `count` elements.
    static func add(_ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0 ..< count { y[i] += x[i] }
    }
}
