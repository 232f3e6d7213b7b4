/// A Thompson-style NFA over bytes: a `RegexNode` lowered to UTF-8.
///
/// Each state has edges, each reading one byte out of a `ByteSet` or (set `-1`) reading nothing;
/// the accepting state has none. Built back to front (each piece is compiled knowing the state
/// that follows it), so a counted repetition `x{m,n}` becomes m copies of `x` followed by n − m
/// nested optional copies `(x(x(…)?)?)?`, which keeps every set of simultaneously active states
/// small. A scalar set becomes one state whose edges read the first byte of each UTF-8 form,
/// followed by continuation-byte states shared between forms that end alike.
struct ByteNFA: Sendable {
    /// Set index of an edge that reads nothing.
    static let epsilon: Int32 = -1

    /// The distinct byte sets edges read.
    private(set) var byteSets: [ByteSet] = []
    /// Edges of state s: `edgeStarts[s] ..< edgeStarts[s + 1]`.
    private(set) var edgeStarts: [Int32] = [0]
    /// Index into `byteSets` of each edge, or `epsilon`.
    private(set) var edgeSets: [Int32] = []
    private(set) var edgeTargets: [Int32] = []
    /// The accepting state.
    private(set) var accept: Int32 = 0
    /// The state matching starts in.
    private(set) var start: Int32 = 0

    private var byteSetIndex: [ByteSet: Int32] = [:]
    /// UTF-8 forms of the scalar sets compiled so far (a counted repetition compiles one set many times).
    private var sequencesBySet: [ScalarSet: [[ByteSet]]] = [:]
    private let maxStates: Int

    /// Compiles `node`.
    /// - Throws: `GrammarError.tooManyStates` past `maxStates` states.
    init(_ node: RegexNode, maxStates: Int) throws {
        self.maxStates = maxStates
        accept = try add([])
        start = try compile(node, next: accept)
    }

    var count: Int { edgeStarts.count - 1 }

    /// Adds a state with `edges` (byte set or nil for an epsilon edge, target).
    private mutating func add(_ edges: [(set: ByteSet?, target: Int32)]) throws -> Int32 {
        guard count < maxStates else { throw GrammarError.tooManyStates(kind: "NFA", limit: maxStates) }
        for edge in edges {
            var setIndex = Self.epsilon
            if let set = edge.set {
                if let known = byteSetIndex[set] {
                    setIndex = known
                } else {
                    setIndex = Int32(byteSets.count)
                    byteSets.append(set)
                    byteSetIndex[set] = setIndex
                }
            }
            edgeSets.append(setIndex)
            edgeTargets.append(edge.target)
        }
        edgeStarts.append(Int32(edgeTargets.count))
        return Int32(count - 1)
    }

    /// A state that moves, without reading, to every state of `states` (none: matches nothing).
    private mutating func split(_ states: [Int32]) throws -> Int32 {
        if states.count == 1 { return states[0] }
        return try add(states.map { (nil, $0) })
    }

    /// Compiles `node` so that matching it from the returned state continues at `next`.
    private mutating func compile(_ node: RegexNode, next: Int32) throws -> Int32 {
        switch node {
        case .empty:
            return next
        case .scalars(let set):
            return try compileScalars(set, next: next)
        case .sequence(let parts):
            var entry = next
            for part in parts.reversed() { entry = try compile(part, next: entry) }
            return entry
        case .choice(let choices):
            var entries: [Int32] = []
            for choice in choices { entries.append(try compile(choice, next: next)) }
            return try split(entries)
        case .repeated(let body, let min, let max):
            var entry: Int32
            if let max {
                entry = next
                for _ in 0 ..< max - min {
                    entry = try add([(nil, try compile(body, next: entry)), (nil, next)])
                }
            } else {
                let loop = try add([(nil, -1), (nil, next)])
                let bodyEntry = try compile(body, next: loop)
                edgeTargets[Int(edgeStarts[Int(loop)])] = bodyEntry
                if min == 0 { return loop }
                entry = bodyEntry
            }
            let copies = max == nil ? min - 1 : min
            for _ in 0 ..< copies { entry = try compile(body, next: entry) }
            return entry
        }
    }

    /// The UTF-8 encodings of `set`: one state reading every first byte, continuation states
    /// shared by the forms whose remaining bytes are alike.
    private mutating func compileScalars(_ set: ScalarSet, next: Int32) throws -> Int32 {
        let sequences: [[ByteSet]]
        if let known = sequencesBySet[set] {
            sequences = known
        } else {
            sequences = UTF8Ranges.sequences(for: set).map { $0.map(ByteSet.init) }
            sequencesBySet[set] = sequences
        }
        var continuations: [(bytes: ByteSet, target: Int32, state: Int32)] = []
        var firstBytesByTarget: [(target: Int32, bytes: ByteSet)] = []
        for sequence in sequences {
            var target = next
            for bytes in sequence.dropFirst().reversed() {
                if let existing = continuations.first(where: { $0.bytes == bytes && $0.target == target }) {
                    target = existing.state
                } else {
                    let state = try add([(bytes, target)])
                    continuations.append((bytes, target, state))
                    target = state
                }
            }
            let first = sequence[0]
            if let index = firstBytesByTarget.firstIndex(where: { $0.target == target }) {
                firstBytesByTarget[index].bytes = firstBytesByTarget[index].bytes.union(first)
            } else {
                firstBytesByTarget.append((target, first))
            }
        }
        return try add(firstBytesByTarget.map { ($0.bytes, $0.target) })
    }
}
