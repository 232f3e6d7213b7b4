/// A deterministic guess of how long an answer a query needs, from its wording: the fallback when
/// the model's answer cannot be used, and a cross-check kept in every record.
public enum LengthHeuristic {
    static let longForms = ["report", "essay", "story", "guide", "tutorial", "plan", "paper", "proposal", "analysis",
                            "article", "chapter", "screenplay", "script", "syllabus", "curriculum", "biography", "history of",
                            "review", "whitepaper", "white paper", "manual", "documentation", "design document", "case study",
                            "business plan", "lesson plan", "speech", "memoir", "narrative",
                            "报告", "小说", "指南", "论文", "计划", "教程", "故事", "剧本", "文章", "综述", "方案", "传记", "游记",
                            "レポート", "小説", "記事", "ガイド", "보고서", "소설", "가이드", "에세이"]
    static let veryLongForms = ["novel", "book", "textbook", "handbook", "dissertation", "thesis", "novella",
                                "series of chapters", "complete course", "长篇", "专著", "教材", "毕业论文"]
    static let depth = ["comprehensive", "detailed", "in-depth", "in depth", "thorough", "extensive", "complete",
                        "exhaustive", "long", "full", "step-by-step", "每个", "详细", "全面", "深入", "完整", "系统",
                        "詳しく", "詳細", "자세히", "상세"]
    static let shortAsks = ["what is", "what's", "who is", "who was", "when did", "how do i", "how to fix", "translate",
                            "define", "definition", "calculate", "convert", "fix this", "correct this", "one sentence",
                            "in one line", "slogan", "title for", "what does", "is it", "can you explain briefly",
                            "什么是", "翻译", "怎么", "是什么", "多少"]

    /// The predicted bucket.
    public static func predict(_ query: String) -> LengthBucket {
        let text = query.lowercased()
        let hasLong = longForms.contains { text.contains($0) }
        let hasVeryLong = veryLongForms.contains { text.contains($0) }
        let depthMarks = depth.filter { text.contains($0) }.count
        let short = shortAsks.contains { text.hasPrefix($0) || text.contains(" \($0) ") } && !hasLong && !hasVeryLong
        if short { return .under2000 }
        if hasVeryLong { return depthMarks > 0 ? .words16000 : .words8000 }
        if hasLong {
            if depthMarks >= 2 { return .words8000 }
            return depthMarks == 1 ? .words4000 : .words2000
        }
        return .under2000
    }
}
