import Digest
import Foundation
import Messages
import Pipeline

/// Stage `dedup-filter`: quality rules per record, then exact and MinHash-LSH near-duplicate
/// removal over all records, including those kept by earlier runs (a regeneration does not re-add
/// what an earlier release holds).
///
/// Each dropped record becomes a reject with `reason` = the rule's name and `rule`, `value`,
/// `threshold` (duplicates also name `duplicate_of` and their `cluster`, the id of the record the
/// cluster kept). Decisions do not depend on the order records arrive in: duplicates are resolved
/// in the order (kept by an earlier run, quality score descending, id): an exact duplicate loses
/// to the first record with the same text; near-duplicate pairs (instructions or responses whose
/// estimated Jaccard similarity reaches the threshold) join records into clusters, and each
/// cluster keeps its first record. Kept records gain a `filter` object (the id the record arrived
/// with, produced words, S_l, score, duplicates removed); rejects, `duplicate_of` and `cluster`
/// use arrival ids, since the runner gives the stage's output records ids of their own.
///
/// With `semantic_dedup` on, instructions (and responses, if asked) are also embedded by the
/// sentence encoder, and pairs whose cosine similarity reaches its threshold join the same
/// clusters (`SemanticIndex`; reason `semantic_duplicate_<field>`); kept records carry their
/// embeddings (`filter.embeddings`), so later builds do not embed them again.
///
/// Works on any record with an instruction and a response text (field names in the params).
public final class DedupFilterStage: BarrierStage, @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    public static let kind = "dedup-filter"
    public static let logicVersion = 2
    public let name: String
    public let settings: DedupFilterSettings

    /// Who a document of a near-duplicate index, or an exact hash, belongs to.
    enum Owner {
        case prior(id: String)
        case candidate(Int)
    }

    /// A new record waiting for the decision.
    struct Candidate {
        let cacheKey: String
        let id: String
        /// The record (nil once it failed a rule: only the rejection is kept).
        var record: Record?
        var verdict: RuleVerdict?
        var rank: DocumentRank
        var instructionHash: UInt64 = 0
        var responseHash: UInt64 = 0
        /// Its number among the near-duplicate members (records kept earlier and new records).
        var member: Int?
        var producedWords = 0
        var lengthScore: Double?
        /// Content checks of a record that passed the rules (`content_checks` of the kept record).
        var contentChecks: [String: JSONValue]?
    }

    private let lock = NSLock()
    private let checker: QualityChecker
    private let contentChecks = ContentChecks()
    private let hashers: [DedupFilterSettings.Field: MinHasher]
    private let indexes: [DedupFilterSettings.Field: NearDuplicateIndex]
    /// Records compared for near-duplicates (kept by earlier runs, or new), their ranks, and the
    /// member each index document belongs to.
    private var members: [Owner] = []
    private var memberRanks: [DocumentRank] = []
    private var memberOfDocument: [DedupFilterSettings.Field: [Int]] = [:]
    /// Semantic dedup (nil: off).
    private let semantic: SemanticDuplicates?
    private var candidates: [Candidate] = []
    private var priorInstructions: [UInt64: String] = [:]
    private var priorResponses: [UInt64: String] = [:]
    private var counts = FilterCounts()

    public init(name: String, settings: DedupFilterSettings) {
        self.name = name
        self.settings = settings
        checker = QualityChecker(settings: settings.quality)
        let fields = settings.nearDedupFields
        hashers = Dictionary(uniqueKeysWithValues: fields.map { ($0, MinHasher(settings: settings.minHash(for: $0))) })
        indexes = Dictionary(uniqueKeysWithValues: fields.map {
            ($0, NearDuplicateIndex(settings: settings.minHash(for: $0), memoryLimit: (settings.memoryMB << 20) / max(1, fields.count)))
        })
        semantic = settings.semanticDedup.map {
            SemanticDuplicates(settings: $0, memoryLimit: (settings.memoryMB << 20) / max(1, fields.count + $0.fields.count))
        }
    }

    /// What each rule checked and dropped so far.
    public var filterCounts: FilterCounts { lock.withLock { counts } }

    public func observeKept(_ record: Record) async throws {
        guard let instruction = record[settings.instructionField]?.string, let response = record[settings.responseField]?.string else {
            return
        }
        let id = record["filter"]?["input_id"]?.string ?? record.id
        let rank = DocumentRank(prior: true, score: 0, key: Self.key(id))
        try lock.withLock {
            priorInstructions[StableHash.of(TextNormalizer.normalize(instruction))] = id
            priorResponses[StableHash.of(TextNormalizer.normalize(response))] = id
            let member = members.count
            members.append(.prior(id: id))
            memberRanks.append(rank)
            for (field, text) in [(DedupFilterSettings.Field.instruction, instruction), (.response, response)] {
                guard let hasher = hashers[field], let sketch = hasher.sketch(of: text) else { continue }
                try indexes[field]!.add(sketch, rank: rank)
                memberOfDocument[field, default: []].append(member)
            }
            try semantic?.queue(instruction: instruction, response: response, member: member, prior: true, stored: record["filter"]?["embeddings"])
        }
    }

    public func collect(_ record: Record, cacheKey: String, context: StageContext) async throws {
        let embedder = settings.semanticDedup == nil ? nil : try context.models.encoder.embedder(forStage: name)
        var candidate = Candidate(cacheKey: cacheKey, id: record.id, record: record, rank: DocumentRank(key: Self.key(record.id)))
        let instruction = record[settings.instructionField]?.string
        let response = record[settings.responseField]?.string
        guard let instruction, let response else {
            let missing = instruction == nil ? settings.instructionField : settings.responseField
            candidate.verdict = RuleVerdict(rule: "missing_field", value: .string(missing), threshold: "a string",
                                            detail: "the record has no string field '\(missing)'")
            candidate.record = nil
            lock.withLock {
                counts.records += 1
                counts.checked("missing_field", dropped: true)
                candidates.append(candidate)
            }
            return
        }
        let required = Self.value(at: settings.requiredLengthField, in: record)?.int
        var report = checker.check(instruction: instruction, response: response, requiredWords: required)
        if report.failure == nil, let minimum = settings.minRelevance, let result = RelevanceRule.check(record, minimum: minimum) {
            report.checked.append(RelevanceRule.name)
            if case .failed(let verdict) = result { report.failure = verdict }
        }
        candidate.producedWords = report.producedWords
        candidate.lengthScore = report.lengthScore
        candidate.rank.score = report.score
        var sketches: [DedupFilterSettings.Field: MinHashSketch] = [:]
        if var failure = report.failure {
            failure.excerpts = ["instruction": .string(Self.excerpt(instruction)), "raw": .string(Self.excerpt(response))]
            candidate.verdict = failure
            candidate.record = nil
        } else {
            candidate.contentChecks = contentChecks.check(instruction: instruction, response: response,
                                                          embedder: try? context.models.encoder.embedder(forStage: name))
            candidate.instructionHash = StableHash.of(TextNormalizer.normalize(instruction))
            candidate.responseHash = StableHash.of(TextNormalizer.normalize(response))
            for (field, hasher) in hashers { sketches[field] = hasher.sketch(of: field == .instruction ? instruction : response) }
        }
        try lock.withLock {
            counts.records += 1
            for rule in report.checked { counts.checked(rule, dropped: rule == report.failure?.rule) }
            if report.failure == nil {
                candidate.member = members.count
                members.append(.candidate(candidates.count))
                memberRanks.append(candidate.rank)
            }
            for (field, sketch) in sketches.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try indexes[field]!.add(sketch, rank: candidate.rank)
                memberOfDocument[field, default: []].append(candidate.member!)
            }
            if let member = candidate.member {
                try semantic?.queue(instruction: instruction, response: response, member: member, prior: false)
            }
            candidates.append(candidate)
            if let embedder, let semantic, semantic.queuedCount >= SemanticDuplicates.batch { try semantic.embedQueued(with: embedder) }
        }
    }

    public func finish(context: StageContext) async throws -> [(cacheKey: String, outcome: StageOutcome)] {
        // Records kept by earlier runs are embedded only when there is something new to compare them with.
        let compared = lock.withLock { candidates.contains { $0.member != nil } }
        let embedder = settings.semanticDedup != nil && compared ? try context.models.encoder.embedder(forStage: name) : nil
        return try lock.withLock {
            if let embedder { try semantic?.embedQueued(with: embedder) }
            return try decide(encoder: embedder?.identity)
        }
    }

    /// Exact, then near-duplicate resolution in rank order; the outcome of every candidate in arrival order.
    private func decide(encoder: String?) throws -> [(cacheKey: String, outcome: StageOutcome)] {
        let order = candidates.indices.filter { candidates[$0].verdict == nil }
            .sorted { DocumentRank.precedes(candidates[$0].rank, candidates[$1].rank) || (candidates[$0].rank == candidates[$1].rank && $0 < $1) }
        var parent: [Int: (owner: Owner, verdict: RuleVerdict)] = [:]

        if settings.exactDedup {
            var instructions = priorInstructions.mapValues { Owner.prior(id: $0) }
            var responses = priorResponses.mapValues { Owner.prior(id: $0) }
            for c in order {
                let candidate = candidates[c]
                if let owner = instructions[candidate.instructionHash] {
                    parent[c] = (owner, exactVerdict("instruction", owner))
                } else if let owner = responses[candidate.responseHash] {
                    parent[c] = (owner, exactVerdict("response", owner))
                } else {
                    instructions[candidate.instructionHash] = .candidate(c)
                    responses[candidate.responseHash] = .candidate(c)
                }
                counts.checked("exact_duplicate_instruction", dropped: parent[c]?.verdict.rule == "exact_duplicate_instruction")
                if parent[c]?.verdict.rule != "exact_duplicate_instruction" {
                    counts.checked("exact_duplicate_response", dropped: parent[c] != nil)
                }
            }
        }

        // Near-duplicates: one clustering over the pairs found by every compared field.
        // Near-duplicates: one clustering over the pairs found by every compared field, by MinHash
        // (tags 0, 1: instruction, response) and by embeddings (tags 2, 3).
        var clusters = DuplicateClusters(ranks: memberRanks)
        let fields = DedupFilterSettings.Field.allCases
        func isActive(_ member: Int) -> Bool {
            switch members[member] {
            case .prior: return true
            case .candidate(let c): return parent[c] == nil
            }
        }
        for (tag, field) in fields.enumerated() {
            guard let index = indexes[field], let memberOf = memberOfDocument[field] else { continue }
            try index.findPairs(isActive: { isActive(memberOf[$0]) }) { a, b, similarity in
                clusters.link(memberOf[a], memberOf[b], similarity: similarity, tag: tag)
            }
        }
        try semantic?.findPairs(isActive: isActive) { a, b, similarity, field in
            clusters.link(a, b, similarity: similarity, tag: fields.count + fields.firstIndex(of: field)!)
        }
        var representative: [Int: Owner] = [:]
        for c in order where parent[c] == nil {
            let member = candidates[c].member!
            let head = clusters.representative(of: member)
            if head != member, let nearest = clusters.nearest(member) {
                let owner = members[nearest.document]
                representative[c] = members[head]
                parent[c] = (owner, nearVerdict(nearest, owner: owner))
            }
            for field in fields where indexes[field] != nil {
                counts.checked("near_duplicate_\(field.rawValue)", dropped: parent[c]?.verdict.rule == "near_duplicate_\(field.rawValue)")
            }
            for field in settings.semanticDedup?.fields ?? [] {
                counts.checked("semantic_duplicate_\(field.rawValue)", dropped: parent[c]?.verdict.rule == "semantic_duplicate_\(field.rawValue)")
            }
        }

        // Each dropped record names its cluster by the id of the record the cluster keeps.
        var cluster: [Int: String] = [:]
        var removed: [String: Int] = [:]
        for c in order where parent[c] == nil || representative[c] != nil {
            cluster[c] = representative[c].map { id(of: $0) } ?? candidates[c].id
        }
        for c in order where parent[c] != nil && representative[c] == nil {
            switch parent[c]!.owner {
            case .prior(let id): cluster[c] = id
            case .candidate(let p): cluster[c] = cluster[p]!
            }
        }
        for c in order where parent[c] != nil { removed[cluster[c]!, default: 0] += 1 }
        counts.kept += order.count - parent.count

        return try candidates.indices.map { c in
            let candidate = candidates[c]
            let key = candidate.cacheKey
            if let verdict = candidate.verdict {
                return (key, .rejected(id: candidate.id, Rejection(reason: verdict.rule, detail: verdict.detail,
                                                                   extra: verdict.extra.merging(verdict.excerpts) { a, _ in a })))
            }
            let record = candidate.record!
            if let link = parent[c] {
                var extra = link.verdict.extra
                extra["duplicate_of"] = .string(id(of: link.owner))
                extra["cluster"] = .string(cluster[c]!)
                extra["instruction"] = .string(Self.excerpt(record[settings.instructionField]?.string ?? ""))
                extra["raw"] = .string(Self.excerpt(record[settings.responseField]?.string ?? ""))
                return (key, .rejected(id: candidate.id, Rejection(reason: link.verdict.rule, detail: link.verdict.detail, extra: extra)))
            }
            var kept = record
            var filter: [String: JSONValue] = [
                "input_id": .string(candidate.id),
                "produced_words": .int(candidate.producedWords),
                "length_score": candidate.lengthScore.map { .double(QualityChecker.rounded($0)) } ?? .null,
                "score": .double(QualityChecker.rounded(Double(candidate.rank.score))),
                "duplicates_removed": .int(removed[candidate.id] ?? 0),
            ]
            if let encoder, let member = candidate.member, let stored = try semantic?.storedEmbeddings(of: member, encoder: encoder) {
                filter["embeddings"] = stored
            }
            kept["filter"] = .object(filter)
            if let checks = candidate.contentChecks { kept["content_checks"] = .object(checks) }
            return (key, .records([kept]))
        }
    }

    /// The verdict on a record whose most similar linked record is `nearest.document` (`owner`):
    /// tags below the number of fields are MinHash links, the others embedding links.
    private func nearVerdict(_ nearest: DuplicateClusters.Link, owner: Owner) -> RuleVerdict {
        let fields = DedupFilterSettings.Field.allCases
        let similarity = QualityChecker.rounded(nearest.similarity)
        if nearest.tag < fields.count {
            let field = fields[nearest.tag]
            return RuleVerdict(
                rule: "near_duplicate_\(field.rawValue)", value: .double(similarity), threshold: .double(indexes[field]!.settings.threshold),
                detail: "the \(field.rawValue) is a near-duplicate of record \(id(of: owner)) "
                    + "(estimated Jaccard similarity \(QualityChecker.format(nearest.similarity * 100))%)")
        }
        let field = fields[nearest.tag - fields.count]
        return RuleVerdict(
            rule: "semantic_duplicate_\(field.rawValue)", value: .double(similarity), threshold: .double(settings.semanticDedup!.threshold),
            detail: "the \(field.rawValue) means the same as that of record \(id(of: owner)) "
                + "(cosine similarity of their sentence embeddings \(String(format: "%.3f", nearest.similarity)))")
    }

    private func exactVerdict(_ field: String, _ owner: Owner) -> RuleVerdict {
        RuleVerdict(rule: "exact_duplicate_\(field)", value: 1.0, threshold: 1.0,
                    detail: "the normalised \(field) equals that of record \(id(of: owner))")
    }

    private func id(of owner: Owner) -> String {
        switch owner {
        case .prior(let id): return id
        case .candidate(let c): return candidates[c].id
        }
    }

    public func summaryLines() -> [String] {
        lock.withLock {
            guard counts.records > 0 else { return [] }
            let dropped = counts.order.compactMap { name -> String? in
                let n = counts.rules[name]!.dropped
                return n > 0 ? "\(name) \(n)" : nil
            }
            return ["\(name): kept \(counts.kept) of \(counts.records) new records"
                    + (dropped.isEmpty ? "" : "; dropped: " + dropped.joined(separator: ", "))]
        }
    }

    /// The start of a text for a reject record (at most 2,000 Unicode scalars, as the reject schema allows).
    static func excerpt(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(2000)))
    }

    /// A record's stable rank key: its id's first 16 hex digits (ids are content hashes), else a hash of the id.
    static func key(_ id: String) -> UInt64 {
        UInt64(id.prefix(16), radix: 16) ?? StableHash.of(id)
    }

    /// The value at a dotted path such as `length.required_words`.
    static func value(at path: String, in record: Record) -> JSONValue? {
        var parts = path.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return nil }
        var value = record[parts.removeFirst()]
        for part in parts { value = value?[part] }
        return value
    }
}
