import Foundation
import Stages
import TestSupport
import Testing

/// The coherence checker on its hand-written corpus (Tests/Fixtures/coherence/corpus.jsonl, built by
/// scripts/reference/coherence_corpus.py), and one focused test per exclusion.
@Suite struct CoherenceCorpusTests {
    struct Document: Decodable {
        struct Planted: Decodable {
            let kind: String
            let state_sentence: String
            let contradiction_sentence: String
        }
        let id: String
        let lang: String
        let split: String
        let text: String
        let planted: Planted?
        let states: [String]?
    }

    struct Tally {
        var caught: [String: Int] = [:], planted: [String: Int] = [:], flagged: [String: Int] = [:], controls: [String: Int] = [:]
    }

    static func corpus() throws -> [Document] {
        let path = Repository.path("Tests/Fixtures/coherence/corpus.jsonl")
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").enumerated().map { line, text in
            do { return try JSONDecoder().decode(Document.self, from: Data(text.utf8)) } catch {
                throw CorpusError.badLine(path: path, line: line + 1, reason: "\(error)")
            }
        }
    }

    enum CorpusError: Error { case badLine(path: String, line: Int, reason: String) }

    static func tally(_ documents: [Document]) -> Tally {
        let checker = CoherenceChecker()
        var t = Tally()
        for d in documents {
            let flags = checker.check(d.text)
            if let p = d.planted {
                t.planted[p.kind, default: 0] += 1
                t.planted[d.lang, default: 0] += 1
                // Caught only when a flag's evidence holds the planted contradicting sentence.
                if flags.contains(where: { $0.evidence.count == 2 && $0.evidence[1].contains(p.contradiction_sentence) }) {
                    t.caught[p.kind, default: 0] += 1
                    t.caught[d.lang, default: 0] += 1
                }
            } else {
                for kind in d.states ?? [] { t.controls[kind, default: 0] += 1 }
                t.controls[d.lang, default: 0] += 1
                if !flags.isEmpty {
                    t.flagged[d.lang, default: 0] += 1
                    for kind in Set(flags.map(\.kind.rawValue)) { t.flagged[kind, default: 0] += 1 }
                }
            }
        }
        return t
    }

    static func table(_ name: String, _ t: Tally) -> String {
        var lines = ["coherence corpus, \(name): kind/language  caught/planted  flagged controls/controls with that state"]
        for key in CoherenceFlag.Kind.allCases.map(\.rawValue) + ["en", "zh"] {
            lines.append("  \(key.padding(toLength: 20, withPad: " ", startingAt: 0))  \(t.caught[key, default: 0])/\(t.planted[key, default: 0])  \(t.flagged[key, default: 0])/\(t.controls[key, default: 0])")
        }
        let caught = t.caught["en", default: 0] + t.caught["zh", default: 0], planted = t.planted["en", default: 0] + t.planted["zh", default: 0]
        let flagged = t.flagged["en", default: 0] + t.flagged["zh", default: 0], controls = t.controls["en", default: 0] + t.controls["zh", default: 0]
        lines.append("  total                 \(caught)/\(planted) caught, \(flagged)/\(controls) controls flagged")
        return lines.joined(separator: "\n")
    }

    @Test func corpusMeetsTheTargetsOnTheHeldOutPart() throws {
        let documents = try Self.corpus()
        let dev = documents.filter { $0.split == "dev" }, heldOut = documents.filter { $0.split == "heldout" }
        #expect(documents.filter { $0.planted != nil }.count >= 40 && documents.filter { $0.planted == nil }.count >= 40)
        let devTally = Self.tally(dev), heldTally = Self.tally(heldOut)
        print(Self.table("dev", devTally))
        print(Self.table("held-out", heldTally))
        let caught = heldTally.caught["en", default: 0] + heldTally.caught["zh", default: 0]
        let planted = heldTally.planted["en", default: 0] + heldTally.planted["zh", default: 0]
        let flagged = heldTally.flagged["en", default: 0] + heldTally.flagged["zh", default: 0]
        let controls = heldTally.controls["en", default: 0] + heldTally.controls["zh", default: 0]
        #expect(planted > 0 && controls > 0)
        #expect(Double(caught) >= 0.85 * Double(planted), "held-out recall \(caught)/\(planted)")
        #expect(Double(flagged) <= 0.05 * Double(controls), "held-out controls flagged \(flagged)/\(controls)")
    }
}

@Suite struct CoherenceCheckerTests {
    let checker = CoherenceChecker()

    /// A story of a few paragraphs around `sentences` so that the sentences sit in ordinary prose.
    func story(_ sentences: [String]) -> String {
        let filler = "The rain kept on through the afternoon, and the square emptied. Carts went by with their covers tied down."
        return ([filler] + sentences.map { $0 + " " + filler }).joined(separator: "\n\n")
    }

    @Test func deadPersonWhoActsIsFlaggedWithBothSentences() throws {
        let state = "Marta Kessler died in the winter of the great frost."
        let later = "In the spring Marta walked down to the harbour and counted the boats."
        let text = story([state, later])
        let flags = checker.check(text)
        let flag = try #require(flags.first)
        #expect(flags.count == 1)
        #expect(flag.kind == .deadActs)
        #expect(flag.entity == "Marta Kessler")
        #expect(flag.evidence == [state, later])
        let characters = Array(text)
        #expect(String(characters[flag.stateRange]) == state)
        #expect(String(characters[flag.contradictionRange]) == later)
    }

    @Test func shatteredMirrorThatAnswersIsFlagged() {
        let flags = checker.check(story([
            "In her rage the queen smashed the magic mirror against the wall.",
            "\"You are still the fairest,\" the mirror answered the next morning.",
        ]))
        #expect(flags.map(\.kind) == [.destroyedFunctions])
    }

    @Test func silencedAndDepartedAreFlagged() {
        #expect(checker.check(story(["After the curse, the ferryman could no longer speak.", "\"Wait,\" the ferryman said softly."])).map(\.kind) == [.silencedSpeaks])
        #expect(checker.check(story(["Tobias left the village at dawn, never to return.", "One evening Tobias walked in through the kitchen door."])).map(\.kind) == [.departedReturns])
    }

    @Test func chineseContradictionsAreFlagged() {
        #expect(checker.check(story(["那年冬天，老国王去世了。", "第二天一早，老国王走进了议事厅，下令开仓放粮。"])).map(\.kind) == [.deadActs])
        #expect(checker.check(story(["王后一怒之下，魔镜被摔得粉碎。", "魔镜开口回答：“您仍然是最美的人。”"])).map(\.kind) == [.destroyedFunctions])
    }

    @Test func memoriesAndFlashbacksAreNotContradictions() {
        #expect(checker.check(story([
            "Marta Kessler died in the winter of the great frost.",
            "Elena remembered how Marta used to walk the dogs along the dyke.",
            "Years earlier, Marta had taught her to row.",
            "Elena thought back to the summer of the drought. Marta walked the fields every morning then.",
        ])).isEmpty)
        #expect(checker.check(story(["那年冬天，老国王去世了。", "小梅常常想起老国王生前的样子。"])).isEmpty)
    }

    @Test func ghostsAndDreamsAreNotContradictions() {
        #expect(checker.check(story([
            "Marta Kessler died in the winter of the great frost.",
            "On the stair, the ghost of Marta smiled at Elena and faded.",
            "In Elena's dream, Marta walked beside her through the orchard.",
        ])).isEmpty)
        #expect(checker.check(story(["那年冬天，老国王去世了。", "有人说，老国王的鬼魂夜里还在院子里徘徊。"])).isEmpty)
    }

    @Test func theLateKingIsNotAContradiction() {
        #expect(checker.check(story([
            "The old king died in his sleep.",
            "The late king had left the treasury empty.",
            "The new king ordered the gates closed.",
        ])).isEmpty)
        #expect(checker.check(story(["那年冬天，老国王去世了。", "已故的老国王留下了一封没写完的信。"])).isEmpty)
    }

    @Test func shardsOfTheMirrorAreNotAContradiction() {
        #expect(checker.check(story([
            "The magic mirror shattered into a thousand pieces.",
            "The shards of the mirror glittered among the rushes.",
            "Elena kept one fragment of the mirror on the windowsill, where it shone in the sun.",
        ])).isEmpty)
        #expect(checker.check(story(["王后一怒之下，魔镜被摔得粉碎。", "魔镜的碎片在月光下闪着冷光。"])).isEmpty)
    }

    @Test func quotesOfTheDeadAreNotContradictions() {
        #expect(checker.check(story([
            "Captain Idris Hale drowned when the ferry overturned.",
            "\"Never trust a calm sea,\" Captain Hale had always said, and Elena repeated it now.",
            "\"Hale walked the deck every night,\" the mate told the inquiry.",
        ])).isEmpty)
        #expect(checker.check(story(["那年冬天，老国王去世了。", "小梅记得老国王说过：“做人要诚实。”"])).isEmpty)
    }

    @Test func hypotheticalsAreNotContradictions() {
        #expect(checker.check(story([
            "Marta Kessler died in the winter of the great frost.",
            "If Marta were alive, she would have laughed at all of this.",
            "Elena wished that Marta could see the harvest.",
        ])).isEmpty)
        #expect(checker.check(story(["那年冬天，老国王去世了。", "如果老国王还活着，一定会为这件事高兴。"])).isEmpty)
    }

    @Test func funeralsGravesAndStatuesAreNotContradictions() {
        #expect(checker.check(story([
            "Marta Kessler died in the winter of the great frost.",
            "At the funeral, Elena spoke of Marta with great tenderness.",
            "A bronze statue of Marta now stands in the square.",
            "Elena laid lilies on Marta's grave.",
        ])).isEmpty)
    }

    @Test func anExplicitRevivalEndsTheState() {
        #expect(checker.check(story([
            "The great bell was smashed to pieces in the riot.",
            "Over the winter the old smith repaired the bell piece by piece.",
            "At Easter the bell rang again over the town.",
        ])).isEmpty)
        #expect(checker.check(story([
            "Marta Kessler drowned in the estuary.",
            "To everyone's astonishment the healer brought Marta back to life on the third day.",
            "Marta walked home that evening.",
        ])).isEmpty)
    }

    @Test func uncertainStatesAreNoStates() {
        #expect(checker.check(story([
            "Marta Kessler almost died in the winter of the great frost.",
            "Everyone feared that Tobias had drowned.",
            "In the spring Marta walked down to the harbour, and Tobias came home with the boats.",
        ])).isEmpty)
    }
}
