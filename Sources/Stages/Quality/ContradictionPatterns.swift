import Foundation

/// The later events that contradict a terminal state, and the cues that make a mention not an event
/// of the present story (memory, dream, ghost, hypothesis, memorial, remains), in English and Chinese.
enum ContradictionPatterns {
    private static let speech = "said|says|spoke|speaks|answered|answers|replied|replies|asked|asks|whispered|whispers|shouted|shouts|called out|calls out|told|tells|sang|sings|murmured|murmurs|announced|announces|declared|declares|explained|explains|added|adds|insisted|insists|cried out|began to speak|began to sing|chuckled|laughed|laughs|warned|warns|promised|promises|urged|urges|recited|recites|greeted|greets"
    private static let action = "walked|walks|ran|runs|came|comes|went|goes|smiled|smiles|nodded|nods|stood|stands|sat|sits|opened|opens|wrote|writes|ate|eats|handed|hands|picked up|picks up|took|takes|ordered|orders|commanded|commands|gave|gives|lived|lives|married|marries|returned|returns|arrived|arrives|danced|dances|poured|pours|waved|waves|hugged|hugs|kissed|kisses|signed|signs|led|leads|rode|rides|drove|drives|climbed|climbs|knocked|knocks|looked up|looks up|turned|turns|raised|raises|lifted|lifts|reached|reaches|pointed|points|grinned|grins|frowned|frowns|shook|shakes|watched|watches|visited|visits|cooked|cooks|planted|plants|worked|works|helped|helps|carried|carries|bought|buys|sent|sends|paid|pays|joined|joins|hurried|hurries|stepped|steps|leaned|leans|waited|waits|sighed|sighs|decreed|decrees|appointed|appoints|summoned|summons|signalled|signaled|winked|winks|played|plays|fed|feeds|called|calls|dressed|dresses|woke|wakes|slept|sleeps|fished|fishes|sailed|sails|spent|spends|celebrated|celebrates|moved|moves|kept|keeps|began|begins|refused|refuses|agreed|agrees|approved|approves|authori[sz]ed|authori[sz]es|vetoed|vetoes|chaired|chairs|attended|attends|presided|presides|voted|votes|proposed|proposes|negotiated|negotiates|inspected|inspects|confirmed|confirms|testified|testifies|reported|reports|decided|decides|hired|hires|dismissed|dismisses|bought|sold|sells|travelled|traveled|travels"
    private static let function = "was working|is working|was shining|is shining|was glowing|is glowing|was ringing|is ringing|was ticking|is ticking|was singing|is singing|was speaking|is speaking|was playing|is playing|shone|shines|glowed|glows|gleamed|gleams|flickered|flickers|flashed|flashes|lit up|lights up|showed|shows|reflected|reflects|rang|rings|chimed|chimes|tolled|tolls|ticked|ticks|hummed|hums|worked|works|opened|opens|stood|stands|still stood|revealed|reveals|displayed|displays|sparkled|sparkles|shimmered|shimmers|blazed|blazes|burned brightly|guided|guides|sheltered|shelters|housed|houses|welcomed|welcomes|struck|strikes|played|plays|sounded|sounds|ran|runs|pointed|points|turned|turns"
    private static let returning = "returned|returns|came back|comes back|came home|comes home|walked in|walks in|walked into|walks into|arrived|arrives|was back|is back|reappeared|reappears|appeared|appears|turned up|turns up|knocked|knocks|sat down|sits down|stepped in|steps in|stepped into|steps into|stepped off|steps off|came through|comes through|came up|comes up|rode into|rides into|sailed into|sails into|stood in|stands in|walked up|walks up|was waiting|is waiting|was standing|is standing|was sitting|is sitting|had returned|has returned|has come back|had come back"
    private static let adverbs = "then|slowly|quietly|suddenly|softly|calmly|gently|finally|simply|just|still|also|again|now|abruptly|briefly|firmly|sharply|loudly|happily|cheerfully|carefully|solemnly|warmly|immediately|at once|once more|herself|himself|itself|proudly|angrily|kindly|clearly|brightly|faintly|plainly|crisply|smoothly|steadily"

    /// Adverbs that make an action habitual or hearsay, not an event of the story's present.
    private static let habitual = "usually|normally|typically|frequently|generally|regularly|apparently|reportedly|allegedly|supposedly|formerly|previously|originally|early|only|likely"

    private static func following(_ verbs: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: "^(?:,[^,.!?;\"“”]{1,60},)?(?: and (?:his|her|their|its) [a-z]+)?(?: (?:\(adverbs)|(?!\(habitual))[a-z]+ly)){0,2} (?:\(verbs))\\b")
    }

    static let englishAfter: [CoherenceFlag.Kind: NSRegularExpression] = [
        .deadActs: following(speech + "|" + action),
        .destroyedFunctions: following(speech + "|" + function),
        .silencedSpeaks: following(speech),
        .departedReturns: following(returning),
    ]
    /// A speech verb just before a mention: `"Go," said the king.`
    static let invertedSpeech = try! NSRegularExpression(pattern: "(?:said|asked|answered|replied|whispered|shouted|called|murmured|cried|sang|spoke|added|announced|commanded|ordered|declared)\\s*$")
    /// A mention that ends its clause right after (used with `invertedSpeech`).
    static let clauseEnd = try! NSRegularExpression(pattern: "^\\s*(?:[.,!?;]|$)")

    static let chineseAfter: [CoherenceFlag.Kind: NSRegularExpression] = {
        let speech = "说|道|问|回答|答道|喊|叫道|低语|开口|告诉|唱|宣布|吩咐|命令|笑着说"
        let action = "笑|哭|点头|摇头|走|跑|来到|回到|回来|站|坐|住|吃|喝|写|拿|递|下令|骑|带着|娶|嫁|推开|打开|抬起|看着|一起生活|生活|挥手|拥抱|出门|起床|出现|种|做"
        let function = "发光|发出|闪|亮|照出|映出|显现|显示|响|鸣|转动|运转|矗立|耸立|开口|说|回答|答道|唱"
        let returning = "回来|回到|归来|出现在|走进|推门|站在门口|敲门|来到|重新出现|又出现"
        func after(_ verbs: String) -> NSRegularExpression {
            try! NSRegularExpression(pattern: "^([^，。！？；：“”「」『』]{0,5}?)(?:\(verbs))")
        }
        return [
            .deadActs: after(speech + "|" + action),
            .destroyedFunctions: after(function),
            .silencedSpeaks: after(speech),
            .departedReturns: after(returning),
        ]
    }()
    /// A working part of a destroyed thing: "灯塔的光又照亮了海湾".
    static let chinesePartWorks = try! NSRegularExpression(pattern: "^的(?:光|光芒|声音|钟声|琴声|指针)[^，。！？；：没不未]{0,3}?(?:照亮|照|亮|响|传|发|转|说)")
    static let chineseNegation = try! NSRegularExpression(pattern: "没|不|未|别|再也|无法|难以|的|之")

    /// Words that make a sentence about the past, a dream, a ghost, a hypothesis or a memorial.
    static let englishExclusion = try! NSRegularExpression(pattern: "\\b(?:remember(?:ed|s|ing)?|recall(?:ed|s|ing)?|memor(?:y|ies)|used to|had once|once had|years (?:earlier|before|ago)|long ago|back then|in those days|as a (?:child|boy|girl|young)|when (?:he|she|they|it) (?:was|were) (?:alive|young|still|a)|before (?:he|she|it|they) (?:died|was|were|drowned|left|shattered|broke|fell)|before (?:his|her|its|their) death|in (?:his|her|their) (?:youth|lifetime|day)|reminisc\\w*|thought back|long before|once upon|dream(?:s|ed|t|ing)?|nightmares?|asleep|visions?|hallucinat\\w*|imagin\\w*|ghosts?|ghostly|spirits?|phantoms?|apparitions?|spect(?:er|re)s?|wraiths?|shades?|haunt\\w*|s[ée]ance|afterlife|beyond the grave|if|unless|were (?:still )?alive|would have|could have|might have|wish(?:ed|es)?|suppose|supposing|pretend\\w*|perhaps|funeral|memorial|graves?|tombs?|coffin|casket|burial|buried|eulog\\w*|obituar\\w*|statues?|portraits?|photographs?|photos?|paintings?|monuments?|headstones?|epitaph|shards?|fragments?|remains|ruins?|ashes|debris|wreckage|corpse|diary|journal|recordings?|inscriptions?|legends?|resemble\\w*|likeness|reincarnat\\w*|namesake|replica|copy)\\b", options: [.caseInsensitive])
    /// Cues that make what follows them in the sentence unreal ("as if", "as though"); they do not touch what came before.
    static let englishManner = try! NSRegularExpression(pattern: "\\b(?:as if|as though)\\b", options: [.caseInsensitive])
    /// Cues that a paragraph has turned to the past: everything after them in the paragraph is memory.
    static let englishFlashback = try! NSRegularExpression(pattern: "\\b(?:remember(?:ed|s)?|recall(?:ed|s)?|years (?:earlier|before|ago)|long ago|back then|in those days|as a (?:child|boy|girl)|thought back|once upon a time|in (?:his|her|their) youth|decades (?:earlier|before|ago)|the summer before|the year before)\\b", options: [.caseInsensitive])
    static let chineseExclusion = try! NSRegularExpression(pattern: "记得|记起|回忆|回想|想起|想到|曾经|曾|当年|生前|从前|以前|那时|小时候|往事|年前|梦|鬼|魂|幽灵|亡灵|如果|假如|要是|倘若|若是|假使|但愿|希望|仿佛|好像|似乎|遗像|雕像|画像|照片|墓|坟|葬礼|追悼|纪念|碎片|残片|残骸|遗体|遗骸|灰烬|废墟|已故|遗言|日记|遗书|传说|说过|常说|总说|复制品")
    static let chineseFlashback = try! NSRegularExpression(pattern: "记得|回忆|回想|想起|当年|那时候|小时候|多年前|从前|往事")

    /// Words before a mention that make it a preposition's object, or mark the late, dead or broken one.
    static let englishBefore = try! NSRegularExpression(pattern: "\\b(?:of|to|for|with|about|from|at|by|in|on|like|into|beside|over|under|than|upon|toward|towards|against|without|behind|near|past|late|dead|deceased|departed|murdered|drowned|fallen|former|broken|shattered|ruined|burnt|burned|destroyed|lost|vanished|absent|poor|beloved|memory|remembering|mourned|mourning|buried|avenge|avenged|killed|saw|see|sees|seen|met|meet|visited|asked|told|called|named|honou?red|honou?r|miss|missed|missing|mourn|late-|fellow|than)\\s*$", options: [.caseInsensitive])
    /// Words between a determiner and a head that make it another, a remaining or a remembered thing.
    static let distinguishing: Set<String> = [
        "new", "young", "younger", "next", "another", "other", "second", "replacement", "current", "present", "little",
        "late", "dead", "deceased", "former", "broken", "shattered", "ruined", "burnt", "burned", "destroyed", "lost",
        "old", "ghostly", "spectral", "stone", "marble", "bronze", "painted", "carved", "remembered", "vanished", "drowned",
        "murdered", "fallen", "poor", "beloved", "first", "third", "fourth", "rebuilt", "restored", "repaired",
    ]
    /// A return to life or to speech: counts when the sentence names the entity (or a pronoun).
    static let revival = try! NSRegularExpression(pattern: "\\b(?:revived|resurrected|brought (?:[A-Za-z]+ ){0,3}back to life|came back to life|back from the dead|rose from the dead|raised from the dead|returned from the dead|woke from death|was reborn|regained (?:his|her|its|their) voice|found (?:his|her|its|their) voice again|could speak again|recovered (?:his|her|its|their) voice|was not dead after all|had survived|survived after all|miraculously alive|turned out to be alive|was alive after all)\\b", options: [.caseInsensitive])
    /// A repair: counts only when the entity is mentioned close to it ("repaired the mirror", "the bell was rebuilt").
    static let repair = try! NSRegularExpression(pattern: "\\b(?:restored|repaired|mended|rebuilt|reforged|recast|reassembled|pieced together|put back together)\\b", options: [.caseInsensitive])
    /// Cues that make a revival unreal ("if he had survived", a dream of the repaired mirror).
    static let unrealRevival = try! NSRegularExpression(pattern: "\\b(?:if|unless|would|could|might|wish\\w*|dream\\w*|suppose\\w*|imagin\\w*|as if|as though|whether|hoped?|prayed)\\b", options: [.caseInsensitive])
    static let chineseUnrealRevival = try! NSRegularExpression(pattern: "如果|假如|要是|倘若|若是|假使|但愿|希望|梦|仿佛|好像|要不是|以为")
    static let chineseRevival = try! NSRegularExpression(pattern: "复活|起死回生|死而复生|活了过来|修好|修复|重建|重新铸|恢复了声音|又能说话|重新开口|并没有死|没有死|还活着|幸存")
    /// Words (English, lower-cased) and characters (Chinese) of which every revival or repair holds one.
    static let revivalCues: Set<UInt64> = CoherenceText.cueHashes([
        "revived", "resurrected", "life", "dead", "death", "reborn", "voice", "again", "survived", "alive",
        "restored", "repaired", "mended", "rebuilt", "reforged", "recast", "reassembled", "together",
        "活", "修", "建", "铸", "声", "说", "开", "死", "幸",
    ])
}
