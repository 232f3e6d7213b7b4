import Foundation
import Stages

/// The synthetic corpus of `lwdata bench dedup`: JSONL lines `{"id", "text", "cluster"}` of
/// made-up words drawn from a skewed 20,000-word vocabulary (100–400 words a document).
/// About 80% of documents are originals, 15% planted near-duplicates (an original with 1–4% of
/// its words substituted, inserted or deleted; true 5-gram shingle Jaccard ≥ 0.8, checked) and 5%
/// hard negatives (an original's first 40–55% followed by new text; true Jaccard ≤ 0.55).
/// `cluster` is the ground truth: the number of the original a document was made from, else its own.
struct DedupBenchCorpus {
    static let vocabularySize = 20_000
    static let shingle = 5

    let path: String
    let documents: Int
    let seed: UInt64

    /// What was planted, for the figures.
    struct Planted: Codable, Equatable {
        var documents: Int
        var nearDuplicates: Int
        var hardNegatives: Int
        var bytes: Int
        var seed: UInt64
    }

    /// The words, spelled in bijective base 26 (`a` … `z`, `aa`, `ba`, …), so each is distinct.
    static let vocabulary: [String] = (1...vocabularySize).map { i in
        var n = i, word = ""
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        while n > 0 { n -= 1; word.append(letters[n % 26]); n /= 26 }
        return word
    }

    /// Writes the corpus unless one with the same size and seed is already there.
    func prepare() throws -> Planted {
        let metaPath = path + ".meta.json"
        if let data = FileManager.default.contents(atPath: metaPath),
           let planted = try? JSONDecoder().decode(Planted.self, from: data),
           planted.documents == documents, planted.seed == seed, FileManager.default.fileExists(atPath: path) {
            return planted
        }
        let planted = try write()
        try JSONEncoder().encode(planted).write(to: URL(fileURLWithPath: metaPath))
        return planted
    }

    private func write() throws -> Planted {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw DedupBenchError.cannotWrite(path)
        }
        defer { try? file.close() }
        var rng = SplitMix(seed: seed)
        var originals: [[UInt16]] = []
        var planted = Planted(documents: documents, nearDuplicates: 0, hardNegatives: 0, bytes: 0, seed: seed)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 << 20)
        func word() -> UInt16 {
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            return UInt16(Double(Self.vocabularySize) * u * u)
        }
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var clusterOfOriginal: [Int32] = []
        for number in 0..<documents {
            let kind = originals.count < 100 ? 0 : below(100)
            var words: [UInt16]
            var cluster = Int32(number)
            if kind < 80 {
                words = (0..<(100 + below(301))).map { _ in word() }
                originals.append(words)
                clusterOfOriginal.append(cluster)
            } else {
                let source = below(originals.count)
                let original = originals[source]
                cluster = clusterOfOriginal[source]
                if kind < 95 {
                    var edits = 1 + below(max(1, original.count / 25))
                    repeat {
                        words = original
                        for _ in 0..<edits {
                            let at = below(words.count)
                            switch below(3) {
                            case 0: words[at] = word()
                            case 1: words.insert(word(), at: at)
                            default: words.remove(at: at)
                            }
                        }
                        edits = max(1, edits / 2)
                    } while Self.jaccard(words, original) < 0.8
                    planted.nearDuplicates += 1
                } else {
                    let keep = original.count * (40 + below(16)) / 100
                    repeat {
                        words = Array(original[..<keep]) + (keep..<original.count).map { _ in word() }
                    } while Self.jaccard(words, original) > 0.55
                    planted.hardNegatives += 1
                    cluster = Int32(number)
                }
            }
            buffer += Array("{\"id\":\"doc-\(number)\",\"cluster\":\(cluster),\"text\":\"".utf8)
            for (i, w) in words.enumerated() {
                if i > 0 { buffer.append(0x20) }
                buffer += Array(Self.vocabulary[Int(w)].utf8)
            }
            buffer += Array(".\"}\n".utf8)
            if buffer.count >= 4 << 20 {
                try file.write(contentsOf: buffer)
                planted.bytes += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try file.write(contentsOf: buffer)
        planted.bytes += buffer.count
        return planted
    }

    /// Exact Jaccard similarity of the 5-word shingle sets of two documents.
    static func jaccard(_ a: [UInt16], _ b: [UInt16]) -> Double {
        func shingles(_ words: [UInt16]) -> Set<UInt64> {
            guard words.count >= shingle else { return [StableHash.mix(UInt64(words.count))] }
            return Set((0...(words.count - shingle)).map { start in
                words[start..<start + shingle].reduce(UInt64(0)) { StableHash.combine($0, UInt64($1)) }
            })
        }
        let x = shingles(a), y = shingles(b)
        return Double(x.intersection(y).count) / Double(max(1, x.union(y).count))
    }
}

/// Failures of `lwdata bench dedup`.
enum DedupBenchError: Error, CustomStringConvertible {
    case cannotWrite(String)
    case badLine(file: String, line: Int)

    var description: String {
        switch self {
        case .cannotWrite(let path): return "cannot write \(path)"
        case let .badLine(file, line): return "\(file):\(line): expected a JSON object with string id and text"
        }
    }
}
