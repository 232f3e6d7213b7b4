/// LongBench-Write's length score S_l (0–100) of a produced length `y` against a required `x`.
public enum LengthScore {
    public static func score(required x: Int, produced y: Int) -> Double {
        guard x > 0 else { return 0 }
        guard y > 0 else { return 0 }
        let ratio = Double(y) / Double(x)
        if y > x { return 100 * max(0, 1 - (ratio - 1) / 3) }
        return 100 * max(0, 1 - (1 / ratio - 1) / 2)
    }
}
