import Digest
import Foundation
import Pipeline
import Store
import Testing
import TestSupport
@testable import Stages

/// The length predictor's signals and vote, and its figures on the held-out part of the labelled
/// set (`data/length-demand/labelled.jsonl`; split by the query's SHA-256, fixed before anything
/// was fitted; the heuristic and the neighbours learn from the `train` rows only).
@Suite struct LengthPredictorTests {
    static let file = Repository.path("data/length-demand/labelled.jsonl")
    static let rows: [LabelledQuery] = try! LabelledQueries.read(file: file)

    @Test func theShippedSetIsTheDataFileAndItsSplitFollowsTheHash() throws {
        let text = try String(contentsOfFile: Self.file, encoding: .utf8)
        #expect(LengthDemandSet.jsonl + "\n" == text, "run python3 scripts/embed_length_demand.py")
        #expect(LabelledQueries.builtin == Self.rows)
        #expect(Self.rows.count >= 400)
        #expect(Set(Self.rows.map(\.query)).count == Self.rows.count, "no query twice")
        for row in Self.rows {
            var hash = SHA256()
            hash.update(Data(row.query.utf8))
            #expect(row.split == (hash.finalize()[0] % 3 == 0 ? "heldout" : "train"), "\(row.query)")
            #expect(ExplicitLength.find(in: row.query) == nil, "states a length: \(row.query)")
        }
        for bucket in LengthBucket.allCases { #expect(Self.rows.filter { $0.bucket == bucket && !$0.isTraining }.count >= 15) }
    }

    @Test func theHeuristicReadsTheFormAskedFor() {
        let rule = LengthHeuristic.rule
        #expect(rule.predict("What is the capital of Peru?") == .under2000)
        #expect(rule.predict("write an outline for a book on birds, chapter titles only") == .under2000)
        #expect(rule.predict("Write the first chapter of a novel about a lighthouse keeper") == .words2000)
        #expect(rule.predict("Write an essay on the ethics of zoos") == .words2000)
        #expect(rule.predict("Write a business plan for a food truck") == .words4000)
        #expect(rule.predict("Write the first three chapters of my thriller") == .words8000)
        #expect(rule.predict("Write a novel about a lighthouse keeper") == .words16000)
        #expect(rule.predict("写一部长篇小说，讲一个村庄的百年变迁") == .words16000)
        #expect(rule.predict("写一篇关于春天的散文") == .words2000)
        #expect(rule.cue(in: "Write a complete TEXTBOOK on statistics")?.bucket == .words16000)
        #expect(rule.cue(in: "hello there") == nil)
    }

    @Test func refittingMovesACueToWhatItsTrainingQueriesNeed() {
        // Three training queries decided by "guide" need 2,000 words; a held-out one is ignored.
        let examples = [
            LabelledQuery(query: "a guide to folding paper cranes", bucket: .words2000, split: "train"),
            LabelledQuery(query: "a guide to tying a tie", bucket: .words2000),
            LabelledQuery(query: "guide to boiling eggs", bucket: .words2000, split: "train"),
            LabelledQuery(query: "guide to everything", bucket: .words16000, split: "heldout"),
        ]
        #expect(LengthHeuristic.rule.predict("a guide to packing a suitcase") == .words4000)
        let fitted = LengthHeuristic(fittedOn: examples)
        #expect(fitted.predict("a guide to packing a suitcase") == .words2000)
        #expect(fitted.predict("Write a novel about a lighthouse keeper") == .words16000, "cues without training queries keep the rule's bucket")
    }

    @Test func tfidfRanksTheQuerySharingRareWordsFirst() {
        let index = TFIDFIndex(examples: ["write a novel about whales", "write an email about the meeting", "写一部关于鲸鱼的长篇小说"])
        let english = index.similarities(to: "Write a NOVEL about a whale and a boy")
        #expect(english[0] > english[1] && english[1] >= 0)
        let chinese = index.similarities(to: "写一部长篇小说")
        #expect(chinese[2] > 0.4 && chinese[0] == 0)
        #expect(abs(index.similarities(to: "write a novel about whales")[0] - 1) < 1e-9)
    }

    @Test func neighboursVoteBySimilarity() {
        let examples = [
            LabelledQuery(query: "write a novel about dragons", bucket: .words16000),
            LabelledQuery(query: "write a novel about pirates", bucket: .words16000),
            LabelledQuery(query: "write an email to my boss", bucket: .under2000),
            LabelledQuery(query: "write a novel about dragons for the held-out part", bucket: .under2000, split: "heldout"),
        ]
        let knn = NearestNeighbourLength(examples: examples, k: 2)
        #expect(knn.examples.count == 3, "held-out rows are never neighbours")
        let vote = knn.vote("a novel about dragons and pirates")
        #expect(vote.bucket == .words16000)
        #expect(vote.neighbours.count == 2 && vote.neighbours.allSatisfy { $0.bucket == .words16000 })
        #expect(abs(vote.shares.values.reduce(0, +) - 1) < 1e-9)
        #expect(knn.vote("zzz qqq").bucket == nil, "no shared term: no vote")
    }

    @Test func theVoteWeighsEachSignal() {
        let weights = LengthVoteWeights(heuristic: 1, neighbours: 1.2, model: 0.25)
        // Neighbours split 60/40 between 4K and 8K: the heuristic's 2K keeps the lead (1 > 0.72).
        var votes = LengthPredictor.votes(heuristic: .words2000, neighbours: [.words4000: 0.6, .words8000: 0.4], model: .words8000, weights: weights)
        #expect(votes[.words2000] == 1 && abs(votes[.words8000]! - 0.73) < 1e-9)
        #expect(LengthPredictor.winner(votes, heuristic: .words2000) == .words2000)
        // Unanimous neighbours outvote the heuristic; a strong model tips a close call.
        votes = LengthPredictor.votes(heuristic: .words2000, neighbours: [.words4000: 1], model: nil, weights: weights)
        #expect(LengthPredictor.winner(votes, heuristic: .words2000) == .words4000)
        let strong = LengthVoteWeights(heuristic: 1, neighbours: 1.2, model: 1)
        votes = LengthPredictor.votes(heuristic: .under2000, neighbours: [.words2000: 0.6, .under2000: 0.4], model: .words2000, weights: strong)
        #expect(LengthPredictor.winner(votes, heuristic: .under2000) == .words2000)
        #expect(LengthPredictor.winner(LengthPredictor.votes(heuristic: .under2000, neighbours: [.words2000: 0.6, .under2000: 0.4], model: .words2000,
                                                             weights: weights), heuristic: .under2000) == .under2000, "a weak model does not")
        // A tie goes to the heuristic.
        votes = LengthPredictor.votes(heuristic: .words4000, neighbours: [.words8000: 1], model: nil, weights: LengthVoteWeights(heuristic: 1, neighbours: 1, model: 0))
        #expect(LengthPredictor.winner(votes, heuristic: .words4000) == .words4000)
    }

    @Test func aBadLabelledLineIsNamed() {
        #expect(throws: LabelledQueries.ReadError.self) { try LabelledQueries.parse("{\"query\": \"x\", \"bucket\": 3000}", file: "mine.jsonl") }
        do {
            _ = try LabelledQueries.parse("{\"query\": \"a\", \"bucket\": 0}\n\nnot json", file: "mine.jsonl")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "mine.jsonl:3: not a JSON object")
        }
    }

    /// Exact, within-one-bucket and long-vs-short agreement, per bucket, and the confusion matrix.
    struct Figures: CustomStringConvertible {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 5)
        mutating func add(truth: LengthBucket, predicted: LengthBucket) {
            confusion[LengthBucket.allCases.firstIndex(of: truth)!][LengthBucket.allCases.firstIndex(of: predicted)!] += 1
        }
        var total: Int { confusion.joined().reduce(0, +) }
        func share(_ keep: (Int, Int) -> Bool) -> Double {
            var n = 0
            for t in 0..<5 { for p in 0..<5 where keep(t, p) { n += confusion[t][p] } }
            return Double(n) / Double(max(total, 1))
        }
        var exact: Double { share { $0 == $1 } }
        var withinOne: Double { share { abs($0 - $1) <= 1 } }
        var longShort: Double { share { ($0 == 0) == ($1 == 0) } }
        var description: String {
            let names = ["<2K", "2K", "4K", "8K", "16K+"]
            var lines = [String(format: "n %d  exact %.1f%%  within one %.1f%%  long/short %.1f%%", total, exact * 100, withinOne * 100, longShort * 100),
                         "truth \\ predicted " + names.map { $0.padding(toLength: 6, withPad: " ", startingAt: 0) }.joined() + "  recall"]
            for (t, row) in confusion.enumerated() {
                let n = row.reduce(0, +)
                lines.append(names[t].padding(toLength: 18, withPad: " ", startingAt: 0) + row.map { String($0).padding(toLength: 6, withPad: " ", startingAt: 0) }.joined()
                             + String(format: "  %.1f%% of %d", n == 0 ? 0 : Double(row[t]) / Double(n) * 100, n))
            }
            return lines.joined(separator: "\n")
        }
    }

    @Test func heldOutFiguresMeetTheTargets() {
        let predictor = LengthPredictor(examples: LabelledQueries.builtin, k: 7)
        let weights = LengthVoteWeights(heuristic: 1, neighbours: 1.2, model: 0)
        var vote = Figures(), heuristic = Figures(), neighbours = Figures()
        for row in Self.rows where !row.isTraining {
            let prediction = predictor.predict(row.query, weights: weights)
            vote.add(truth: row.bucket, predicted: prediction.chosen)
            heuristic.add(truth: row.bucket, predicted: prediction.heuristic)
            neighbours.add(truth: row.bucket, predicted: prediction.neighbours.bucket ?? .under2000)
        }
        print("held-out, heuristic alone:\n\(heuristic)\nheld-out, neighbours alone (tfidf, k 7):\n\(neighbours)\nheld-out, vote (heuristic 1, neighbours 1.2):\n\(vote)")
        #expect(vote.total == Self.rows.filter { !$0.isTraining }.count)
        #expect(vote.exact >= 0.75)
        #expect(vote.withinOne >= 0.95)
        #expect(vote.longShort >= 0.95)
    }
}

/// The stage without a model: the vote of the heuristic and the neighbours decides, the record
/// keeps each signal, and a user's labelled file adds neighbours and keys the stage.
@Suite struct PredictLengthVoteStageTests {
    static let prompts = "prompt_step1: \(Repository.path("pipelines/prompts/predict_length_step1.txt")), "
        + "prompt_step2: \(Repository.path("pipelines/prompts/predict_length_step2.txt"))"

    func pipeline(_ params: String) -> String {
        """
        name: t
        inputs: [queries.txt]
        stages:
          - name: mine
          - name: predict-length
            params: {\(Self.prompts), min_words: 0, weight_model_builtin: 0, weight_model_openai: 0\(params)}
        """
    }

    @Test func theVoteDecidesWithoutAModelAndTheRecordKeepsEverySignal() async throws {
        let folder = TempFolder("predict-length-vote")
        try ["Write a novel about a beekeeper who inherits a haunted orchard",
             "how do I descale a kettle with vinegar",
             "Write a 3,000-word essay on bees"].joined(separator: "\n").write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        let outcome = try await MineStageTests.build(pipeline(""), in: folder)
        let lengths = Dictionary(uniqueKeysWithValues: outcome.records.filter { $0["kind"]?.string == "length" }.map { ($0["query"]!.string!, $0["length"]!) })
        let novel = try #require(lengths["Write a novel about a beekeeper who inherits a haunted orchard"])
        #expect(novel["bucket"]?.int == 16000 && novel["required_words"]?.int == 16000 && novel["source"]?.string == "vote")
        #expect(novel["heuristic_bucket"]?.int == 16000 && novel["neighbours_bucket"]?.int != nil && novel["model_bucket"] == nil)
        #expect(novel["neighbours"]?.array?.count == 3)
        #expect(novel["predictor"]?.string?.hasPrefix("vote: heuristic 1.0, neighbours (tfidf) 1.2, model 0.0") == true)
        #expect(lengths["how do I descale a kettle with vinegar"]?["bucket"]?.int == 0)
        #expect(lengths["Write a 3,000-word essay on bees"]?["source"]?.string == "explicit", "the stated length still wins")
    }

    @Test func aUserLabelledFileAddsNeighboursAndKeysTheStage() throws {
        let folder = TempFolder("predict-length-labelled")
        try "".write(toFile: folder.file("queries.txt"), atomically: true, encoding: .utf8)
        func built(_ labels: String, trust: String) throws -> (PipelineStage, PredictLengthStage) {
            try labels.write(toFile: folder.file("mine.jsonl"), atomically: true, encoding: .utf8)
            let file = folder.file("pipeline.yaml")
            try pipeline(", labelled: [builtin, mine.jsonl], trust: \(trust)").write(toFile: file, atomically: true, encoding: .utf8)
            let stage = try StageRegistry.build(try PipelineConfig.load(file: file))[1]
            guard case .map(let predict as PredictLengthStage) = stage.shape else { throw PipelineError.stage(name: "t", message: "not predict-length") }
            return (stage, predict)
        }
        let zorb = #"{"query": "zorbify the quux", "bucket": 8000}"# + "\n" + #"{"query": "zorbify the quux again", "bucket": 8000}"#
        let (first, stage) = try built(zorb, trust: "neighbours")
        #expect(stage.predictor.neighbours.examples.count == LabelledQueries.builtin.filter(\.isTraining).count + 2)
        #expect(stage.predictor.neighbours.vote("please zorbify my quux").bucket == .words8000)
        let (second, _) = try built(zorb.replacingOccurrences(of: "8000", with: "4000"), trust: "neighbours")
        #expect(first.configHash != second.configHash, "the labelled file's content is part of the stage's hash")
        #expect(throws: (any Error).self) { try built(#"{"query": "x", "bucket": 1234}"#, trust: "vote") }
    }
}
