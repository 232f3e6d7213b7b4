import Foundation

/// The weighted features `TaskTalkDetector` scores a sentence with: each is a pattern, the kind it
/// speaks for and a weight (negative weights speak against task talk). Patterns run on the
/// sentence lower-cased with markdown marks (`#`, `*`, `>`, list bullets) removed and contractions written out; features marked
/// `unquoted` run on it with quoted dialogue removed as well, so a character who says "I'm sorry"
/// or "I cannot write" is not the model talking.
enum TaskTalkLexicon {
    typealias Kind = TaskTalkDetector.Kind

    struct Feature {
        let kind: Kind
        let weight: Double
        let regex: NSRegularExpression
        let unquoted: Bool
    }

    /// Nouns for the text being written and its parts.
    static let textNoun = #"(essay|article|story|paragraph|paragraphs|section|text|continuation|response|answer|draft|plan|outline|piece|content|version|rewrite|revision|next part|second part|first part|introduction|conclusion|report|poem|summary|composition|passage|writing|narrative|blog post|post|script|speech|requested|word count|end result|final result|final product|finished product|final version|final draft|output|document)"#
    /// Verbs of the writing process.
    static let processVerb = #"(write|writing|wrote|written|complete|completed|completing|finish|finished|continue|continuing|expand|expanded|revise|revised|draft|drafted|cover|covered|discuss|address|focus|elaborate|move on|begin|start|conclude|proceed|craft|crafted|compose|composed|generate|provide|present|edit|edited|editing|rephrase|add|kept|make sure)"#
    /// Phrases that speak of moving through the text's parts.
    static let discourse = #"(completes?|moving on|move on|wraps? up|wrapping up|next comes|coming up|stop here|the end of|concludes?|continue with|continue where|continue from|picks? up where)"#
    /// Parts of a written answer.
    static let textPart = #"(paragraph|section|part|introduction|conclusion|essay|story|article|body|outline)"#
    /// A reporting clause after a comma (", she wrote"): the sentence is someone's speech, not the model's.
    static let attribution = #"[,，]\s*(he|she|they|i|we|[a-z]+) (said|says|wrote|writes|whispered|told|replied|asked|shouted|muttered|added)\b"#

    static let table: [(Kind, Double, String, Bool)] = [
        // Plan leakage: labels of the plan, kept verbatim.
        (.planLeak, 2, #"^(paragraph|para\.?|段落)\s*\d+\s*(\([^)]*\)\s*)?[-–—:：.)]"#, false),
        (.planLeak, 2, #"\bmain\s*points?\s*[-–—:：]"#, false),
        (.planLeak, 2, #"\b(word\s*count|word\s*limit|words?\s*target|target\s*length|length)\s*[:：]\s*\d"#, false),
        (.planLeak, 2, #"^\s*[-–—]?\s*word\s*count(\s*target)?\s*[-–—:：]"#, false),
        (.planLeak, 2, #"\(\s*(approx\.?\s*|about\s*|~\s*)?\d[\d,]*\s*words?\s*\)\s*([:：.]|$)"#, false),
        (.planLeak, 2, #"^(第\s*[0-9一二三四五六七八九十]+\s*(段|部分)|段落\s*[0-9一二三四五六七八九十]+)\s*[（(]?[^。]{0,12}[)）]?\s*[-—:：]"#, false),
        (.planLeak, 2, #"(主要内容|主要观点|要点|目标字数|(字数|篇幅)(要求|目标|限制)?)\s*[:：]"#, false),
        (.planLeak, 2, #"[（(]\s*(约|大约)?\s*\d+\s*字\s*[)）]\s*[:：。]?$"#, false),
        (.planLeak, 1, #"^(step|part|section)\s*\d+\s*[-–—:：.)]"#, false),
        (.planLeak, 1, #"^(step|part|section)\s*\d+\s*[-–—:：.)].*\b(write|paragraph|essay|introduction|conclusion|words|outline|draft|main point|thesis|body)\b"#, false),

        // Refusals: inability to do the task.
        (.refusal, 2, #"\bi (cannot|can not|am unable to|am not able to|will not be able to|must decline to|am not allowed to)\s+(fully\s+|really\s+|actually\s+)?(write|provide|produce|complete|generate|fulfil|fulfill|create|assist|continue|comply|finish|meet|deliver|do that|do this|help (you )?with)"#, true),
        (.refusal, 2, #"\b(unable|not able) to (fulfil|fulfill|complete|comply with|meet) (this|that|your|the)"#, true),
        (.refusal, 2, #"\bnot something i (can|am able to) (do|write|produce)\b|\bi must (decline|refuse)\b|\b(not (be )?possible|impossible) for me\b"#, true),
        (.refusal, 2, #"\b(beyond|outside|not within) (my|the) (capabilities|abilities|capacity)\b|\b(beyond|outside) (what|the scope of what) i can\b"#, true),
        (.refusal, 2, #"\b(impossible|not possible)\b.*\b(write|writing|essay|piece|words|request|text|length)\b|\b(writing|piece of writing|essay|text|request)\b.*\b(is|would be) (impossible|not possible)\b"#, true),
        (.refusal, 1, #"\bas an ai\b|\bas a (large )?(ai )?language model\b|\bi am (just )?an ai\b|\bi am a (large )?language model\b"#, true),
        (.refusal, 1, #"\b(cannot|unable|not able|don't have|do not have|not possible|impossible)\b"#, true),
        (.refusal, 2, #"(我|本人)(无法|不能|没办法|不可能)(为您|为你|帮您|帮你)?(写|撰写|提供|完成|生成|满足|继续)"#, true),
        (.refusal, 2, #"我(做不到|办不到|写不出|没法)"#, true),
        (.refusal, 2, #"无法(满足|完成)(您|你)?的(要求|请求)"#, true),
        (.refusal, 1, #"作为(一个)?\s*(ai|人工智能|语言模型|ai语言模型)"#, true),
        (.refusal, 1, #"(无法|不能|没有能力|没有)"#, true),
        (.refusal, -2, attribution, true),

        // Apologies as an assistant.
        (.apology, 1, #"^(i am (so |very |truly |really )?sorry|i apologi[sz]e|apologies|my apologies|sorry)\b"#, true),
        (.apology, 1, #"\b(confusion|inconvenience|misunderstanding|oversight|delay|mistake|expectations|mix-up|repeated|forgot|misread|misunderstood|fix|correct|cut off|too short|abruptly|incomplete|the rest|the (last|previous|earlier) (paragraph|section|part)|my (previous|earlier|last) (response|answer|reply)|the (previous|earlier) (response|answer)|your request|the request|any error|the error in my)\b"#, true),
        (.apology, 1, #"^(i am (so |very |truly |really )?sorry|i apologi[sz]e|apologies|my apologies|sorry)\s*[,.!]?\s*(but|for|that|i|if)\b.*\b(i|my|the|your)\b"#, true),
        (.apology, 1, #"^(抱歉|对不起|很抱歉|非常抱歉|不好意思)"#, true),
        (.apology, 1, #"(上一段|之前|刚才|漏写|漏了|重复|写错|误解|补上)"#, true),
        (.apology, 2, #"(抱歉|对不起|很遗憾|不好意思).{0,10}(给您|给你|造成|我无法|我不能|但是我|之前的回答|您的要求|你的要求|的困扰|的不便)"#, true),
        (.apology, -2, attribution, true),

        // Task talk: presenting the text.
        (.taskTalk, 2, #"^(sure|certainly|of course|okay|ok|absolutely|alright|great)\s*[,!.]\s*(here|i|below|let|this)\b"#, true),
        (.taskTalk, 2, #"^(sure|sure thing|certainly|of course|okay|ok|absolutely|alright|great|no problem)\s*[!.…]*$"#, true),
        (.taskTalk, 1, #"^(okay|ok|alright|all right|sure|done|great|right)\s*[,!.]"#, true),
        (.taskTalk, 1, #"\b(here is|here are|below is|below are|the following is|what follows is|below,? you will find)\b"#, true),
        (.taskTalk, 1, #"\b(here is|here are|below is|below are|the following is|what follows is|below,? you will find)\s+(the |a |an |your |my |our |what |how )?(\w+ ){0,3}"# + textNoun + #"\b"#, true),
        (.taskTalk, 1, #"(here is|here are|below is|below are|the following)[^:]*[:：]$"#, true),
        (.taskTalk, 2, #"\bhere you go\b|\bhere it is\b|\bhere (goes|comes)\b|\bwhat you will read (next|below)\b"#, true),
        (.taskTalk, 1, #"\bthe following (text|essay|article|story|paragraphs?|sections?|response|answer)\b|\bthe remaining (paragraphs|sections|parts)\b"#, true),
        (.taskTalk, 1, #"\b[\d,]+(-| )word (essay|article|story|report|piece|text|response|answer|guide|blog post)\b"#, true),
        (.taskTalk, 2, #"\b(copy|paste) (this|it|the text)\b"#, true),
        (.taskTalk, 1.5, #"\b"# + textNoun + #" (below|above)\b"#, true),
        (.taskTalk, 2, #"\b(find|see|read) (the |my |your )?(\w+ ){0,2}"# + textNoun + #" (below|above)\b"#, true),
        (.taskTalk, 1, #"\b(end result|final result|final product|finished product|final version|finished piece|the result looks like|final draft)\b"#, true),
        (.taskTalk, 1.2, #"\b(the|this|my) (story|essay|article|text|response|draft|report|piece) is (now )?(complete|finished|done|ready)\b"#, true),
        // The request, the user, the instructions.
        (.taskTalk, 2, #"\bas an ai\b|\bas an? (large |ai )?language model\b"#, true),
        (.taskTalk, 1.2, #"\bas requested\b(?! by)"#, true),
        (.taskTalk, 2, #"\b(as you requested|per your request|as (you )?instructed|as you asked|as per (the|your) (request|instructions?|prompt)|your (request|prompt|instructions?|topic|assignment|question)|the (writing )?(prompt|instructions?|request|assignment) (above|below|given|provided|you gave))\b"#, true),
        (.taskTalk, 0.5, #"[:：]$"#, true),
        (.taskTalk, 1.2, #"\bthe (instructions?|prompt|request|assignment|task) (asked|asks|said|says|requires|required|wanted|mentioned|calls for)\b"#, true),
        (.taskTalk, 2, #"\bthank(s| you) for (the|your|this) (\w+ )?(prompt|request|question|topic|task|assignment)\b"#, true),
        (.taskTalk, 1.2, #"\b(my|this) (prompt|writing request|assignment|writing task)\b|\bthe (writing request|writing task)\b|\b(my|this) (request|task)\b"#, true),
        (.taskTalk, 1, #"\bi will do my best\b|\byou (provided|gave|gave me|shared|mentioned|specified)\b"#, true),
        (.taskTalk, 2, #"^(writing request|request|prompt|task|instructions?|user|assistant|response|answer|output|writing task)\s*[:：]"#, false),
        (.taskTalk, 2, #"^[\w ]{0,20}\b(task|request|prompt)\s*[:：]"#, false),
        (.taskTalk, 1, #"\b(the user|the reader's request|the task|this task|the topic (you|of this))\b"#, true),
        (.taskTalk, 1.5, #"^(note|p\.s\.|disclaimer)\s*[:：]"#, false),
        // Serving the user.
        (.taskTalk, 1, #"\blet me know\b"#, true),
        (.taskTalk, 2, #"\b(i hope (this|that|it|you) (helps|enjoy|find|like|meets|met|fulfil|fulfill)|feel free to (ask|let me)|happy to help|glad to help|if you (need|want|would like) (any )?(more|further|changes|another|me to))\b"#, true),
        (.taskTalk, 2, #"\b(would you like me to|do you want me to|should i (add|expand|continue|make|change|write)|if you would prefer|if you prefer|you would like me to|anything else you would like|than (you )?requested|you asked for|you wanted|as you suggested|you suggested|just so you know|happy (writing|reading)|hope you (like|liked|enjoy|enjoyed)|keep reading|what you had in mind|i can try again)\b"#, true),
        (.taskTalk, 1, #"\b(needs?|need) (adjusting|changing|changes|tweaking|edits|editing)\b|\bas (planned|outlined|in the plan)\b"#, true),
        (.taskTalk, 1.2, #"\byou (are going to|will|should|must|need to|can)\s+(write|rephrase|rewrite|revise|edit|expand)\b"#, true),
        // Announcing, reporting or steering the writing.
        (.taskTalk, 2, #"\bin (this|the (next|following|previous)|my) (paragraph|section|part|step),? (i|we)\b"#, true),
        (.taskTalk, 1, #"\bin (this|my) (essay|article|piece|response|text|story|answer),? i\b"#, true),
        (.taskTalk, 0.8, #"\b(i|let us|let me)( will| am going to| shall| need to| have to| want to| would like to)?( now| then| next| also| first| just)? (write|talk about|describe|discuss|explain|explore|cover|focus on|elaborate|outline|present|turn to|move on|begin|start|get started|conclude|continue)\b(?! to\b)"#, true),
        (.taskTalk, 0.8, #"\b(i|we)\b[^.!?]{0,24}\b"# + processVerb + #"\b"#, true),
        (.taskTalk, 1.5, #"\b"# + textNoun + #" (will |shall |is going to )?(now )?(focus on|discuss|cover|explore|describe|examine|address|look at|explain|turns? to|moves? on to|moves? to)\b"#, true),
        (.taskTalk, 1.2, #"^(now |please |now to |time to |next,? )?(write|begin|continue|start|rewrite|expand|revise) (it|the|your|a|an|this|my|one)\b"#, true),
        (.taskTalk, 1.5, #"\bwhere i left off\b|^continuing (the|from|with|where)\b"#, true),
        (.taskTalk, 2, #"\b[\d,]+ (more )?words (to write|to go|left to|remaining)\b"#, true),
        (.taskTalk, 2, #"\b(this|the next|the following) (part|section) of (the|this|my) (text|essay|article|story|answer|response)\b"#, true),
        (.taskTalk, 2, #"^(end|start|beginning) of (the )?(paragraph|section|part|step|essay|article|story) ?\d*"#, true),
        (.taskTalk, 1.2, #"^(now |next |then )?(moving|turning|onto|on to|moving on to|now for)\b.*\b(paragraph|section|part|essay|introduction|conclusion)\b|^now for the\b"#, true),
        (.taskTalk, 0.8, #"\b"# + discourse + #"\b"#, true),
        (.taskTalk, 0.8, #"\b"# + discourse + #"\b.{0,24}\b"# + textPart + #"\b"#, true),
        (.taskTalk, 0.8, #"\b(sticks? to|add(ing)? more (detail|details|examples|depth)|turned out|the rest of (this|the|my) (response|answer|essay|story|article|text))\b"#, true),
        (.taskTalk, 1.5, #"\b(the )?(text|essay|story|article|response|writing) so far\b|\b(points?|parts?|steps?) of the (plan|outline)\b"#, true),
        (.taskTalk, 1, #"\b(next|previous|following|second|third|fourth|fifth|first|last|final|opening|closing) (paragraph|paragraphs|section|part)\b"#, true),
        (.taskTalk, 1, #"\b(this|my|the current) (paragraph|essay|article|piece|text|response|answer|continuation|draft|composition|passage|document)\b"#, true),
        // Length talk.
        (.taskTalk, 1.5, #"\bin (\d+|two|three|four|five|six|seven|eight|nine|ten) (paragraphs|sections|sentences)\b"#, true),
        (.taskTalk, 2, #"^(in |at least |about |around |approximately |roughly |no (less|more) than |under |over )?([\d,]+|[a-z]+( thousand| hundred)?) words?[.!…]*$"#, true),
        (.taskTalk, 1, #"\b(word count|word limit|required length|target length|\d[\d,]*-word requirement|word requirement|length requirement|\d[\d,]* words? (long|in total|so far|limit)|the (remaining|required|requested) words|words so far)\b"#, true),
        (.taskTalk, 0.8, #"\b(comes to|totals?|totalling) (about |around |roughly |approximately )?[\d,]+ words\b"#, true),
        // Weak evidence that adds up: person, writing words.
        (.taskTalk, 0.4, #"\b(i|me|my|let me|let us|we will)\b"#, true),
        (.taskTalk, 0.5, #"\b(you|your)\b"#, true),
        (.taskTalk, 0.8, #"\b(writing|essay|word|words|paragraph|paragraphs|draft|outline|prompt|request|topic|plan|section|instructions|assignment|task|style|tone|introduction|conclusion)\b"#, true),
        (.taskTalk, 0.6, #"\b(paragraph|paragraphs|section|essay|draft|outline|main point|word count|length|tone|introduction|conclusion|article)\b.*\b(paragraph|paragraphs|section|sections|essay|draft|outline|main point|word count|words|length|tone|introduction|conclusion|article|story|plan|request)\b"#, true),
        // Against: quoted dialogue and signs of a narrated scene or a document about writing.
        (.taskTalk, -2, attribution, true),
        (.taskTalk, -1.5, #"\b(letter|diary|journal|notebook|manuscript|novel|chapter|thesis|dissertation|editor|teacher|professor|homework|pen|pencil|ink|typewriter|desk|notepad|student|students|class|classroom|clerk|lawyer|judge|bill|statute|act|treaty|law|clause|contract|constitution|declaration|charter|regulation|ballot|court|committee|applicant|applicants|candidates|exam|sister|brother|friend|wife|husband|son|daughter)\b"#, true),
        (.taskTalk, -1, #"\b(yesterday|that night|that morning|last night|years ago|ago|that summer|that winter|before dawn|at dawn|at midnight|again and again|three times|twice|he|she|they|his|her|their|mother|father|grandmother|grandfather)\b"#, true),
        (.taskTalk, -1, #"[\"“”「」『』]"#, false),

        // Chinese task talk.
        (.taskTalk, 2, #"(以下是|下面是|以下为|下面为|这是).{0,12}(文章|内容|段落|报告|故事|正文|续写|回答|全文|作文|第.段|部分|稿|版本|结果)"#, true),
        (.taskTalk, 2, #"(以下|下面)(的)?(内容|文字|文章|段落)"#, true),
        (.taskTalk, 2, #"^(好的|没问题|当然可以)[，,！!。]|^当然[，,！!。]\s*(以下|下面|这是|我)"#, true),
        (.taskTalk, 2, #"(以上就是|以上是|这就是).{0,12}(文章|内容|段落|报告|故事|正文|回答|全文|作文)|为(您|你)(写|撰写|创作)的"#, true),
        (.taskTalk, 2, #"(根据|按照|遵照)(您|你)的(要求|指示|请求)|如(您|你)所(要求|要求的)|(您|你)要求的"#, true),
        (.taskTalk, 2, #"(根据|按照|依照)(你的|您的|这个|上面的)?(提纲|大纲|要求|写作计划)"#, true),
        (.taskTalk, 2, #"希望(这|以上|本文|这篇).{0,8}(对你|对您)?有(所)?帮助|如果(您|你)(需要|还有|想要)"#, true),
        (.taskTalk, 1.5, #"(请)?(随时)?告诉我|(你|您)可以(再|自行)?(修改|调整|删改)"#, true),
        (.taskTalk, 2, #"(本段|这段文字|本节|在这一部分|接下来的段落|下一段|上一段)"#, true),
        (.taskTalk, 2, #"(这一部分|这部分|这一段|这段|本部分|本章节)(大约|约|共)?.{0,8}(字|讲|介绍|写|描写|主要)"#, true),
        (.taskTalk, 2, #"(这篇|本篇|全文|本文)(作文|文章)?.{0,6}(分为|共|一共).{0,4}(段|部分)|接下来(是|为)(第.(段|部分)|结尾|开头|正文)|希望(你|您)(会)?喜欢"#, true),
        (.taskTalk, 2, #"我(将|会|要|来|已经|刚刚|已)(继续)?(写|撰写|完成|续写|展开|描述|讨论|介绍|阐述)(了)?(第|这|一篇|本|下|完)"#, true),
        (.taskTalk, 2, #"(接下来|下面|现在|然后|先|再|好)[，,]?(我)?(来|开始|继续|要)?写(第|这|结尾|开头|正文|一下|下一|本|全文)|(接下来|下面|现在|然后)[，,]?(我)?(来|开始|继续|要)+写"#, true),
        (.taskTalk, 1, #"我写(得|的|了)"#, true),
        (.taskTalk, 1, #"(本文|这篇文章|这篇作文)(将|会)"#, true),
        (.taskTalk, 1, #"(字数|篇幅|段落|作文|文章)"#, true),
        (.taskTalk, 0.5, #"(我|您|你)"#, true),
        (.taskTalk, -1.5, #"(老师|学生|信|日记|小时候|那天|那年|母亲|父亲|他|她|作者|法律|规定|报告指出)"#, true),
    ]

    static let features: [Feature] = table.map {
        Feature(kind: $0.0, weight: $0.1, regex: try! NSRegularExpression(pattern: $0.2, options: [.caseInsensitive]), unquoted: $0.3)
    }

    /// Score per kind of one sentence (kinds with no matching feature are absent).
    static func scores(_ sentence: String) -> [Kind: Double] {
        let plain = stripMarkdown(sentence)
        let unquoted = removeQuotes(plain)
        var scores: [Kind: Double] = [:]
        for feature in features {
            let text = feature.unquoted ? unquoted : plain
            if feature.regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                scores[feature.kind, default: 0] += feature.weight
            }
        }
        return scores
    }

    /// Contractions written out, so that one pattern covers both spellings.
    static let contractions = [("i'm", "i am"), ("i'll", "i will"), ("i've", "i have"), ("i'd", "i would"), ("you'll", "you will"),
                               ("you're", "you are"), ("you've", "you have"), ("you'd", "you would"), ("let's", "let us"),
                               ("here's", "here is"), ("we'll", "we will"), ("can't", "cannot"), ("won't", "will not"),
                               ("that's", "that is"), ("it's", "it is")]

    /// The sentence lower-cased, trimmed, without markdown heading, emphasis, quote and bullet marks, contractions written out.
    static func stripMarkdown(_ sentence: String) -> String {
        var s = sentence.lowercased().replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
            .replacingOccurrences(of: "’", with: "'")
        if s.contains("'") {
            for (short, long) in contractions { s = s.replacingOccurrences(of: short, with: long) }
        }
        s = s.trimmingCharacters(in: .whitespaces)
        while let first = s.first, "#>*-•·[(".contains(first) || first.isWhitespace { s.removeFirst() }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// `text` without the spans inside double quotes or CJK quote marks.
    static func removeQuotes(_ text: String) -> String {
        guard text.contains(where: { "\"“「『".contains($0) }) else { return text }
        return text.replacingOccurrences(of: #""[^"]*"|“[^”]*”|「[^」]*」|『[^』]*』"#, with: " ", options: .regularExpression)
    }
}
