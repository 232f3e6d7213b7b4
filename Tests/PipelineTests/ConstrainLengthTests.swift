import Testing
@testable import Stages

@Suite struct LengthRequirementTests {
    @Test func bandsFollowTheWording() {
        #expect(LengthRequirement(form: .about, value: 1000).band == 800...1200)
        #expect(LengthRequirement(form: .between, value: 900, upper: 1300).band == 900...1300)
        #expect(LengthRequirement(form: .moreThan, value: 800).band == 800...1200)
        #expect(LengthRequirement(form: .lessThan, value: 1500).band == 750...1500)
        #expect(LengthRequirement(form: .moreThan, value: 800).target == 1000)
    }

    @Test func scoreIsOneInsideAndFallsLinearlyOutside() {
        let about = LengthRequirement(form: .about, value: 1000)
        #expect(about.score(800) == 1 && about.score(1200) == 1)
        #expect(about.score(400) == 0.5)
        #expect(about.score(0) == 0)
        #expect(about.score(1800) == 0.5)
        #expect(about.score(2400) == 0 && about.score(5000) == 0)
        let less = LengthRequirement(form: .lessThan, value: 1000)
        #expect(less.score(600) == 1 && less.score(250) == 0.5 && less.score(1500) == 0.5)
        let more = LengthRequirement(form: .moreThan, value: 1000)
        #expect(more.score(1499) == 1 && more.score(500) == 0.5 && more.score(2250) == 0.5)
        // Monotone on each side of the band.
        var last = 0.0
        for y in stride(from: 0, through: 800, by: 50) { #expect(about.score(y) >= last); last = about.score(y) }
    }
}

@Suite struct LengthWordingTests {
    let languages = ["latin", "zh", "ja", "ko"]
    let requirements = [LengthRequirement(form: .about, value: 1200), LengthRequirement(form: .between, value: 900, upper: 1300),
                        LengthRequirement(form: .moreThan, value: 800), LengthRequirement(form: .lessThan, value: 1500),
                        LengthRequirement(form: .about, value: 12000), LengthRequirement(form: .lessThan, value: 250)]

    @Test func everyWordingReadsBackAsItsOwnForm() {
        for language in languages {
            for requirement in requirements {
                let sentence = LengthWording.sentence(requirement, language: language)
                #expect(LengthWording.parse(sentence) == requirement, "\(language): \(sentence)")
                #expect(LengthWording.parse("Write about the sea. " + sentence) == requirement, "\(language): inside a query")
            }
        }
    }

    @Test func theLengthPredictorReadsEveryWordingInsideItsBand() {
        for language in languages {
            for requirement in requirements {
                let sentence = LengthWording.sentence(requirement, language: language)
                let read = ExplicitLength.find(in: sentence)
                #expect(read.map { requirement.band.contains(Double($0)) } == true, "\(language): \(sentence) → \(String(describing: read))")
            }
        }
    }

    @Test func readsTheWordingsUsersWrite() {
        #expect(LengthWording.parse("no more than 2500 words") == LengthRequirement(form: .lessThan, value: 2500))
        #expect(LengthWording.parse("at least 7,000 words please") == LengthRequirement(form: .moreThan, value: 7000))
        #expect(LengthWording.parse("between 6,000 and 8,000 words") == LengthRequirement(form: .between, value: 6000, upper: 8000))
        #expect(LengthWording.parse("an 8000-10000 words story") == LengthRequirement(form: .between, value: 8000, upper: 10000))
        #expect(LengthWording.parse("a 3000-word essay") == LengthRequirement(form: .about, value: 3000))
        #expect(LengthWording.parse("in about 5k words") == LengthRequirement(form: .about, value: 5000))
        #expect(LengthWording.parse("不少于10000字") == LengthRequirement(form: .moreThan, value: 10000))
        #expect(LengthWording.parse("不超过3000字") == LengthRequirement(form: .lessThan, value: 3000))
        #expect(LengthWording.parse("4000到5000字之间") == LengthRequirement(form: .between, value: 4000, upper: 5000))
        #expect(LengthWording.parse("写一篇两万字左右的小说") == LengthRequirement(form: .about, value: 20000))
        #expect(LengthWording.parse("5000字以上") == LengthRequirement(form: .moreThan, value: 5000))
        #expect(LengthWording.parse("東京について約3000字で書いてください") == LengthRequirement(form: .about, value: 3000))
        #expect(LengthWording.parse("3000자 이내로") == LengthRequirement(form: .lessThan, value: 3000))
        #expect(LengthWording.parse("Write a poem about tea.") == nil)
    }

    @Test func englishNumbersAreGrouped() {
        #expect(LengthWording.sentence(LengthRequirement(form: .about, value: 12000), language: "latin") == "The answer should be about 12,000 words long.")
        #expect(LengthWording.sentence(LengthRequirement(form: .lessThan, value: 1500), language: "zh") == "回答长度少于1500字。")
    }
}

@Suite struct RequirementMakerTests {
    @Test func derivedRequirementsFitTheResponseWithRoundNumbers() {
        let maker = RequirementMaker()
        var forms = Set<LengthRequirement.Form>()
        for length in [37, 120, 238, 240, 480, 999, 1234, 5321, 18_000] {
            for seed in UInt64(0)..<40 {
                let requirement = maker.fitting(length: length, seed: seed)
                forms.insert(requirement.form)
                #expect(requirement.score(length) == 1, "\(requirement) for \(length)")
                #expect(requirement.value % 5 == 0 && (requirement.upper ?? 0) % 5 == 0, "round numbers: \(requirement) for \(length)")
            }
        }
        #expect(forms.count == 4, "every form is used")
        #expect(maker.fitting(length: 700, seed: 3) == maker.fitting(length: 700, seed: 3))
    }

    @Test func injectedRequirementsAreCentredOnTheTarget() {
        for form in LengthRequirement.Form.allCases {
            let requirement = RequirementMaker(forms: [form]).around(target: 1000, seed: 9)
            #expect(requirement.form == form)
            #expect(requirement.band.contains(1000))
            #expect(abs(requirement.target - 1000) <= 100)
        }
    }

    @Test func theRequirementSentenceJoinsTheQuery() {
        #expect(ConstrainLengthStage.append("The answer should be about 300 words long.", to: "Write a poem about tea", cjk: false)
                == "Write a poem about tea. The answer should be about 300 words long.")
        #expect(ConstrainLengthStage.append("回答长度约为300字。", to: "写一首关于茶的诗", cjk: true) == "写一首关于茶的诗。回答长度约为300字。")
    }
}
