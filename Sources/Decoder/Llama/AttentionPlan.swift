/// How one forward step's attention over a half-precision cache is cut into tasks: a slice per
/// row, key/value head (its query heads together) and range of `sliceLength` cached positions.
/// A row whose cache spans several ranges gets a partial softmax per range (maximum, sum,
/// unnormalised weighted values), merged after (flash-decoding): one sequence decoding at depth
/// then keeps every thread busy. The ranges depend on the row's position only, never on the
/// other rows of the batch or the thread count, so a sequence's arithmetic is the same alone
/// and in any batch.
struct AttentionPlan {
    /// One task: `positions` of row `row`'s cache for key/value head `group`.
    struct Slice {
        let row: Int
        let group: Int
        let positions: Range<Int>
        /// Index of this slice's partial result when its row and group are split, else nil
        /// (the slice writes the normalised output itself).
        let partial: Int?
    }

    /// Partials `firstPartial ..< firstPartial + parts` that together make row `row`, group `group`.
    struct Merge {
        let row: Int
        let group: Int
        let firstPartial: Int
        let parts: Int
    }

    private(set) var slices: [Slice] = []
    private(set) var merges: [Merge] = []
    /// Slices that write partial results.
    private(set) var partialSlices = 0
    /// Multiply-adds of the whole step's attention (scores and weighted sums).
    let multiplyAdds: Int

    /// Cached positions per slice: long enough that a slice's hand-off and merge cost little,
    /// short enough that one sequence at 2,048 deep makes 8 slices per key/value head.
    static let sliceLength = 256

    init(rows: [RowPlacement], configuration c: LlamaConfiguration) {
        multiplyAdds = rows.reduce(0) { $0 + $1.position + 1 } * c.headCount * c.headDimension * 2
        for (t, row) in rows.enumerated() {
            let positions = row.position + 1
            let parts = (positions + Self.sliceLength - 1) / Self.sliceLength
            for group in 0 ..< c.headCountKV {
                guard parts > 1 else {
                    slices.append(Slice(row: t, group: group, positions: 0 ..< positions, partial: nil))
                    continue
                }
                merges.append(Merge(row: t, group: group, firstPartial: partialSlices, parts: parts))
                for j in 0 ..< parts {
                    slices.append(Slice(row: t, group: group,
                                        positions: j * Self.sliceLength ..< min(positions, (j + 1) * Self.sliceLength),
                                        partial: partialSlices))
                    partialSlices += 1
                }
            }
        }
    }
}
