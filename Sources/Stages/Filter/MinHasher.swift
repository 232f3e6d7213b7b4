/// The MinHash sketch of one text: a stable hash per LSH band, and the low byte of every
/// permutation's minimum (a b-bit sketch, b = 8) for estimating similarity compactly.
public struct MinHashSketch: Sendable, Equatable {
    public var bands: [UInt64]
    public var bits: [UInt8]

    /// Estimated Jaccard similarity: the share of equal bytes, corrected for the 1/256 chance
    /// that two different minima share their low byte.
    public func similarity(to other: MinHashSketch) -> Double {
        bits.withUnsafeBufferPointer { a in other.bits.withUnsafeBufferPointer { b in MinHashSketch.similarity(a, b) } }
    }

    static func similarity(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        var equal = 0
        for i in 0..<min(a.count, b.count) where a[i] == b[i] { equal += 1 }
        let raw = Double(equal) / Double(max(1, a.count))
        return max(0, (raw - 1.0 / 256) / (1 - 1.0 / 256))
    }
}

/// Computes MinHash sketches of texts from their shingles (runs of `shingleSize` units; of
/// `cjkShingleSize` characters for CJK texts). Permutation k maps a shingle hash x to the upper
/// 32 bits of aₖ·x + bₖ (mod 2⁶⁴), with aₖ, bₖ drawn from the seed.
public struct MinHasher: Sendable {
    public let settings: MinHashSettings
    private let multipliers: [UInt64]
    private let offsets: [UInt64]

    public init(settings: MinHashSettings) {
        self.settings = settings
        var state = StableHash.mix(settings.seed ^ 0x6D69_6E68_6173_6821)
        func next() -> UInt64 {
            state = state &+ StableHash.golden
            return StableHash.mix(state)
        }
        multipliers = (0..<settings.permutations).map { _ in next() | 1 }
        offsets = (0..<settings.permutations).map { _ in next() }
    }

    /// The sketch of a text, or nil when it has no unit (nothing to compare).
    public func sketch(of text: String) -> MinHashSketch? { sketch(of: TextUnits(text)) }

    public func sketch(of units: TextUnits) -> MinHashSketch? {
        guard units.count > 0 else { return nil }
        let n = min(units.isMostlyCJK ? settings.cjkShingleSize : settings.shingleSize, units.count)
        let permutations = settings.permutations
        var minima = [UInt32](repeating: .max, count: permutations)
        units.hashes.withUnsafeBufferPointer { u in
            multipliers.withUnsafeBufferPointer { a in
                offsets.withUnsafeBufferPointer { b in
                    minima.withUnsafeMutableBufferPointer { m in
                        for start in 0...(u.count - n) {
                            var x: UInt64 = 0x5348_494E_474C_45
                            for j in start..<start + n { x = (x ^ u[j]) &* StableHash.golden; x = (x << 27) | (x >> 37) }
                            x = StableHash.mix(x)
                            for k in 0..<permutations {
                                let v = UInt32(truncatingIfNeeded: (a[k] &* x &+ b[k]) >> 32)
                                if v < m[k] { m[k] = v }
                            }
                        }
                    }
                }
            }
        }
        let rows = settings.rows
        var bands = [UInt64](repeating: 0, count: settings.bands)
        for band in 0..<settings.bands {
            var h = StableHash.mix(UInt64(band) &+ settings.seed)
            for k in band * rows..<(band + 1) * rows { h = StableHash.combine(h, UInt64(minima[k])) }
            bands[band] = h
        }
        return MinHashSketch(bands: bands, bits: minima.map { UInt8(truncatingIfNeeded: $0) })
    }
}
