/// Made-up long-output instructions for benchmarks: a request, a form, a subject and an
/// audience drawn from small lists ("Write a detailed guide about coastal erosion for
/// beginners, about 3,000 words."), so texts look like mined asks of 10–25 words.
struct SyntheticInstructions {
    var rng: SplitMix

    init(seed: UInt64) { rng = SplitMix(seed: seed) }

    static let requests = ["Write", "Compose", "Draft", "Produce", "Create", "Prepare"]
    static let forms = ["a detailed guide", "a long essay", "a short story", "an in-depth report", "a tutorial",
                        "a persuasive article", "a lesson plan", "a biography", "a comparison", "a history"]
    static let subjects = ["coastal erosion", "the printing press", "urban beekeeping", "quantum computing", "medieval castles",
                           "remote work", "volcanic islands", "the jazz age", "sourdough baking", "electric aviation",
                           "child development", "ancient trade routes", "solar storms", "public libraries", "deep sea fishing",
                           "renaissance painting", "cloud security", "mountain rescue", "tea ceremonies", "river restoration"]
    static let audiences = ["for beginners", "for university students", "for a general audience", "for busy parents",
                            "for engineers", "for children", "for investors", "for teachers"]
    static let lengths = ["about 2,000 words", "about 3,000 words", "at least 5,000 words", "around 8,000 words"]

    /// The next `count` instructions.
    mutating func take(_ count: Int) -> [String] {
        (0..<count).map { _ in
            "\(pick(Self.requests)) \(pick(Self.forms)) about \(pick(Self.subjects)) \(pick(Self.audiences)), \(pick(Self.lengths))."
        }
    }

    private mutating func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
}
