/// A deterministic guess of how long an answer a query needs, from the form it asks for: the
/// labelling rule of `data/length-demand/README.md` written as cue phrases, each with a bucket.
///
/// Cues are checked group by group in the order below (partial works such as "the first chapter"
/// before book-length forms, book-length before one-document forms, those before single pieces);
/// the first cue found in the lower-cased query decides. `rule` uses each group's bucket from the
/// labelling rule; `init(fittedOn:)` re-fits each cue's bucket on labelled training queries: the
/// most common bucket of the queries it decides, when at least two do (ties keep the rule's).
public struct LengthHeuristic: Sendable {
    /// The cue groups in checking order, with the bucket the labelling rule gives them.
    static let forms: [(LengthBucket, [String])] = [
    (.under2000, [
        "outline", "chapter titles", "table of contents", "bedtime", "睡前", "小故事", "fable", "寓言"]),
    (.words2000, [
        "first chapter", "opening chapter", "a chapter", "chapter for", "第一章", "the first chapter", "小说的第一章"]),
    (.words8000, [
        "three chapters", "four chapters", "five chapters", "chapters 1", "first three", "first four", "first five",
        "前三章", "前五章", "第三章", "3장", "novella", "novelette-length", "中篇", "three acts", "三幕", "chapter book",
        "series of", "系列", "syllabus", "course on",
        "complete course", "online course", "课程", "讲义", "campaign module", "设定集", "剧本杀", "handbook for", "员工手册",
        "operations manual", "requirements specification", "规格说明", "documentation for", "strategic plan",
        "grant application", "マニュアル", "매뉴얼"]),
    (.words16000, [
        "novel", "book", "textbook", "dissertation", "phd thesis", "thesis on", "encyclopedia", "cookbook", "memoir",
        "trilogy", "season one", "第一季", "feature-length", "feature film", "full-length", "full screenplay",
        "full script", "2-hour", "curriculum", "whole thing", "entire", "长篇", "一本", "一部", "教材", "毕业论文", "博士论文", "全年",
        "长編", "教科書", "一冊", "장편", "교과서", "책을 한 권", "complete history", "history of the",
        "training manual", "技术手册", "guidebook"]),
    (.words4000, [
        "guide", "tutorial", "business plan", "research paper", "paper on", "academic paper", "white paper",
        "whitepaper", "policy paper", "design document", "feasibility", "plan for", "marketing plan",
        "training plan", "event plan", "response plan", "strategy", "manual", "handbook", "one-act", "short film",
        "screenplay", "script for", "long story", "really long", "novelette", "full arc",
        "report on", "report analyzing", "report for", "project report", "research report", "market research",
        "study guide", "计划书", "教程", "攻略", "指南", "手册", "学术论文", "研究报告", "可行性", "策划", "方案", "剧本", "独幕", "长一点", "比较长",
        "竞品", "计划", "事業計画書", "ガイド", "レポート", "사업 계획서", "가이드", "보고서", "history", "历史", "历史概述"]),
    (.words2000, [
        "essay", "article", "story", "report", "analysis", "analyze", "analyse", "analysis of", "review", "lecture",
        "sermon", "op-ed", "memo", "proposal", "case study", "biography", "profile", "explainer", "lesson plan",
        "literature review", "position paper", "piece", "keynote", "tedx", "in detail", "in depth", "in-depth",
        "with real depth", "thoroughly", "detailed", "explain", "compare", "writeup", "strategy", "文章", "议论文", "作文",
        "散文", "短篇", "读后感", "影评", "演讲稿", "教案", "分析", "详细", "报告", "传记", "评论", "述职", "科普", "论述", "游记", "小说", "故事", "介绍",
        "比较", "エッセイ", "短編", "論じ", "授業案", "分析", "에세이", "단편", "설명", "지도안"]),
    ]

    /// The heuristic with the labelling rule's buckets.
    public static let rule = LengthHeuristic(buckets: [:], noCue: .under2000)

    /// Bucket of each cue that the fit moved away from its group's.
    let buckets: [String: LengthBucket]
    /// Bucket of a query that holds no cue.
    let noCue: LengthBucket

    init(buckets: [String: LengthBucket], noCue: LengthBucket) {
        self.buckets = buckets
        self.noCue = noCue
    }

    /// The heuristic re-fitted on `examples` (only their training rows are read).
    public init(fittedOn examples: [LabelledQuery]) {
        var decided: [String: [LengthBucket]] = [:]
        var withoutCue: [LengthBucket] = []
        for example in examples where example.isTraining {
            if let cue = Self.rule.cue(in: example.query) { decided[cue.phrase, default: []].append(example.bucket) } else {
                withoutCue.append(example.bucket)
            }
        }
        var buckets: [String: LengthBucket] = [:]
        for (bucket, cues) in Self.forms {
            for cue in cues {
                guard let seen = decided[cue], seen.count >= 2, let common = Self.mostCommon(seen, preferring: bucket) else { continue }
                if common != bucket { buckets[cue] = common }
            }
        }
        self.init(buckets: buckets, noCue: withoutCue.count >= 2 ? Self.mostCommon(withoutCue, preferring: .under2000) ?? .under2000 : .under2000)
    }

    /// The first cue of the query and the bucket it gives, or nil when it holds none.
    public func cue(in query: String) -> (phrase: String, bucket: LengthBucket)? {
        let text = query.lowercased()
        for (bucket, cues) in Self.forms {
            if let phrase = cues.first(where: { text.contains($0) }) { return (phrase, buckets[phrase] ?? bucket) }
        }
        return nil
    }

    /// The predicted bucket.
    public func predict(_ query: String) -> LengthBucket {
        cue(in: query)?.bucket ?? noCue
    }

    /// The most frequent bucket; on a tie `preferring` when it is among the most frequent, else the smallest.
    private static func mostCommon(_ buckets: [LengthBucket], preferring: LengthBucket) -> LengthBucket? {
        var counts: [LengthBucket: Int] = [:]
        for bucket in buckets { counts[bucket, default: 0] += 1 }
        guard let top = counts.values.max() else { return nil }
        let leaders = counts.filter { $0.value == top }.map(\.key)
        return leaders.contains(preferring) ? preferring : leaders.min()
    }
}
