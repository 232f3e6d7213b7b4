import Testing
@testable import Stages

/// Every explicit-length form `ExplicitLength` reads, with the number it yields: the bound for
/// lower bounds, 0.9 × the bound for upper bounds, the midpoint for ranges, 500 words a page.
@Suite struct ExplicitLengthTests {
    static let forms: [(query: String, expected: Int?)] = [
        // English, exact or approximate: N
        ("Write a 5,000-word report on tea", 5000),
        ("write a 3000-word essay on the French Revolution", 3000),
        ("an essay of 5000 words on rivers", 5000),
        ("a 2 500 words summary", 2500),
        ("in about 5,000 words, explain", 5000),
        ("around 4000 words on jazz", 4000),
        ("approximately 6,000 words", 6000),
        ("a 5k words story", 5000),
        ("a 5k-word story", 5000),
        ("a 2.5k word essay", 2500),
        ("some 3 thousand words", 3000),
        ("Summarize in 50 words", 50),
        // English, lower bound: N (never less)
        ("at least 10,000 words please", 10000),
        ("no less than 2000 words", 2000),
        ("not less than 2000 words", 2000),
        ("no fewer than 3000 words", 3000),
        ("a minimum of 4000 words", 4000),
        ("over 2500 words", 2500),
        ("more than 6000 words", 6000),
        ("a 3000+ word essay", 3000),
        // English, upper bound: 0.9 × N
        ("no more than 2500 words", 2250),
        ("not more than 2000 words", 1800),
        ("less than 1000 words", 900),
        ("fewer than 1000 words", 900),
        ("under 3000 words", 2700),
        ("at most 2000 words", 1800),
        ("up to 4000 words", 3600),
        ("within 1000 words", 900),
        ("a maximum of 2000 words", 1800),
        ("not exceeding 3000 words", 2700),
        // English, ranges: the midpoint
        ("between 4,000 and 6,000 words", 5000),
        ("between 4000 words and 6000 words", 5000),
        ("4,000 to 6,000 words", 5000),
        ("from 3000 to 5000 words", 4000),
        ("a 4000-6000 words guide", 5000),
        ("a 4000–6000 word guide", 5000),
        ("5k-8k words", 6500),
        // Pages: 500 words a page
        ("a 20 page research paper", 10000),
        ("a 10-page report", 5000),
        // Chinese characters (字), exact or approximate
        ("写一篇5000字的报告", 5000),
        ("写一篇关于黄山的游记，2000字左右。", 2000),
        ("约3000字", 3000),
        ("一万字的小说", 10000),
        ("两千字的散文", 2000),
        ("三千字", 3000),
        ("两千五百字", 2500),
        ("1.5万字的报告", 15000),
        ("5千字", 5000),
        ("８０００字", 8000),
        ("写一篇300词的英语作文", 300),
        ("一篇500詞的短文", 500),
        // Chinese, lower bound: N
        ("不少于8000字", 8000),
        ("至少5000字", 5000),
        ("5000字以上", 5000),
        ("不低于3000字", 3000),
        // Chinese, upper bound: 0.9 × N
        ("不超过3000字", 2700),
        ("少于1000字", 900),
        ("最多2000字", 1800),
        ("1000字以内", 900),
        // Chinese, ranges: the midpoint
        ("3000-5000字", 4000),
        ("3000到5000字之间", 4000),
        ("三千至五千字", 4000),
        ("4000字到5000字", 4500),
        // Japanese and Korean
        ("東京について約3000字で書いてください", 3000),
        ("3000文字程度で", 3000),
        ("500語程度の英作文", 500),
        ("2000字から3000字の間で", 2500),
        ("1000字未満で", 900),
        ("3000자 분량의 보고서", 3000),
        ("3000자 이내로", 2700),
        ("500단어 에세이", 500),
        // No explicit length
        ("What is the capital of Peru?", nil),
        ("List 3 reasons in 2023", nil),
        ("write 3 essays and 500 poems", nil),
        ("第1-3段", nil),
    ]

    @Test(arguments: forms) func readsEachForm(_ form: (query: String, expected: Int?)) {
        #expect(ExplicitLength.find(in: form.query) == form.expected, "\(form.query)")
    }

    @Test func chineseNumerals() {
        #expect(ExplicitLength.cjkNumber("两千五百") == 2500)
        #expect(ExplicitLength.cjkNumber("一万二千") == 12000)
    }
}
