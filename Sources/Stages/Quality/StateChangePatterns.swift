import Foundation

/// The sentences that put an entity into a terminal state (English and Chinese), as regular
/// expressions. Group 1 of every pattern is the entity; the pattern's table entry gives the kind of
/// contradiction a later event of that entity would be.
enum StateChangePatterns {
    struct Pattern {
        let regex: NSRegularExpression
        let kind: CoherenceFlag.Kind
        let chinese: Bool
        /// Lower-cased words (English) or characters (Chinese) of which every match holds one; a
        /// sentence with none of them is not read by the regex.
        let cues: Set<UInt64>
        /// The verb part alone: cheap to run, and a sentence without it is not read by `regex`.
        let gate: NSRegularExpression
    }

    private static let deathCues: Set<String> = ["died", "drowned", "perished", "passed", "killed", "murdered", "slain", "executed", "beheaded", "hanged", "hung", "poisoned", "strangled", "shot", "stabbed", "death", "struck", "cut", "dead", "lost", "stake", "crushed", "assassinated", "battle", "breathed", "more"]
    private static let killCues: Set<String> = ["killed", "murdered", "executed", "slew", "assassinated", "poisoned", "beheaded", "hanged", "drowned", "strangled", "stabbed", "shot"]
    private static let destructionCues: Set<String> = ["shattered", "pieces", "shards", "fragments", "splinters", "destroyed", "smashed", "crushed", "demolished", "torn", "razed", "burned", "burnt", "blown", "broken", "melted", "reduced", "obliterated", "dust", "dashed", "consumed", "flames", "rubble", "crumbled", "exploded"]
    private static let destroyCues: Set<String> = ["smashed", "shattered", "destroyed", "demolished", "crushed", "razed", "tore", "burned", "burnt", "blew", "melted", "broke"]
    private static let silenceCues: Set<String> = ["longer", "never", "silent", "mute", "quiet", "voice", "silenced", "dumb"]
    private static let departureCues: Set<String> = ["forever", "ever", "good", "never", "lost", "gone"]

    static let titles = "King|Queen|Prince|Princess|Lord|Lady|Captain|Doctor|Dr\\.|Mr\\.|Mrs\\.|Ms\\.|Sir|Aunt|Uncle|General|Master|Grandma|Grandpa|Grandmother|Grandfather|Professor|Commander|Colonel|Sergeant|Father|Mother|Brother|Sister|Old"
    /// Words that cannot sit between a determiner and the head noun of a subject.
    private static let notModifier = "(?!(?:was|were|had|has|is|are|could|can|would|will|did|and|or|but|so|who|which|that|finally|then|also|suddenly|to|in|on|at|with|for|from|by|of|into|onto|upon|against|across|through|over|under|off|out|down|up|without|beside|behind|near|toward|towards|inside|outside|along|around|during|among|between|beyond|like|as|when|while|before|after|until|because|if|where|whose|whom|so|than|yesterday|today|tonight|tomorrow|there|here|forever|together|himself|herself|itself|themselves|instead|anyway|completely|entirely|utterly|forever|just|still|too|again|once|never|not|quietly|soon|later|eventually|instantly|abruptly)\\b)"
    static let name = "(?:(?:\(titles)) )?[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
    static let definite = "\\b(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Mm]y|[Oo]ur|[Yy]our)(?: \(notModifier)[a-z]+){1,3}"
    private static let subject = "(\(name)|\(definite)|\\b[Hh]e|\\b[Ss]he)"
    private static let bridge = "(?:,[^,.!?;\"“”]{1,50},)?(?: (?:finally|suddenly|eventually|quietly|then|soon|later|also|too|at last|abruptly|instantly))?"

    private static let death = "(?:had |has )?(?:died|drowned|perished|passed away)|was (?:killed|murdered|slain|executed|beheaded|hanged|hung|poisoned|strangled|shot dead|stabbed to death|put to death|struck down|cut down|drowned|found dead|lost at sea|burned at the stake|crushed to death|assassinated)|(?:has|had) been (?:killed|murdered|slain|executed|put to death|shot dead|assassinated)|fell in battle|breathed (?:his|her) last|lost (?:his|her) life|(?:is|was) dead|lay dead|(?:is|was) no more"
    private static let destruction = "shattered|(?:broke|burst|split|smashed) into (?:[a-z]+ )?(?:pieces|shards|fragments|splinters)|(?:was|were) (?:destroyed|smashed|shattered|crushed|demolished|torn down|razed|burned down|burnt down|burned to the ground|blown up|broken beyond repair|melted down|reduced to (?:ash|ashes|rubble|splinters)|obliterated|ground to dust|smashed to pieces|dashed to pieces|consumed by (?:the )?fire)|(?:has|had) been (?:destroyed|smashed|shattered|demolished|torn down|razed|burned down|burnt down|burned to the ground|blown up|melted down|reduced to (?:ash|ashes|rubble|splinters)|obliterated|crushed)|burned down|burnt down|burned to the ground|went up in flames|collapsed into rubble|crumbled (?:to|into) dust|exploded"
    private static let silence = "(?:could|can|would) (?:no longer|never again|never) (?:speak|talk|sing|answer|utter)|(?:fell|went) (?:silent|mute|quiet) (?:forever|for good|for ever)|lost (?:his|her|its|their) voice (?:forever|for good|for ever)|never (?:spoke|sang|answered) again|was (?:silenced|struck dumb|struck mute) (?:forever|for good|for ever)"
    private static let departure = "(?:left|departed|sailed away|rode away|walked away|went away|vanished|disappeared|moved away|set sail)(?:[ ,][^.!?;]{0,60}?)?[ ,]+(?:forever|for ever|for good|never to return|never to be seen again|and never came back|and never returned|and was never seen again)|(?:was|is) (?:lost|gone) (?:forever|for ever|for good)"

    private static let objectNoun = "(\(name)|\\b(?:the|his|her|their|its|my|our|your)(?: \(notModifier)[a-z]+){1,3})"
    private static let killVerbs = "killed|murdered|executed|slew|assassinated|poisoned|beheaded|hanged|drowned|strangled|stabbed|shot"
    private static let destroyVerbs = "smashed|shattered|destroyed|demolished|crushed|razed|tore down|burned down|burnt down|blew up|melted down|broke"

    private static let chineseDeath = "死了|去世了?|逝世了?|病逝了?|过世了?|身亡|丧生|遇害了?|被杀了?|被杀死了?|被处死了?|被处决了?|被害死了?|被毒死了?|淹死了?|溺水身亡|溺亡|战死了?|牺牲了?|被斩首了?"
    private static let chineseDestruction = "摔得粉碎|摔碎了?|碎成了?[^，。]{0,4}片|碎裂了?|被毁了?|被摧毁了?|被砸碎了?|被打碎了?|被烧毁了?|烧毁了?|化为灰烬|化成了?灰烬|倒塌了?|被拆除了?"
    private static let chineseSilence = "再也不能说话了?|再也不会说话了?|再也说不出话来?了?|再也不能开口了?|永远沉默了?|永远失去了声音"
    private static let chineseDeparture = "永远离开了?|一去不返|一去不复返|再也没有回来|永远消失了?"
    private static let chineseClause = "([^，。！？；：、“”「」『』\\s,.!?;:]{0,14}?)"

    static let all: [Pattern] = {
        func en(_ p: String, _ verbs: String, _ kind: CoherenceFlag.Kind, _ cues: Set<String>) -> Pattern {
            Pattern(regex: try! NSRegularExpression(pattern: p), kind: kind, chinese: false, cues: CoherenceText.cueHashes(cues),
                    gate: try! NSRegularExpression(pattern: "\\b(?:" + verbs + ")"))
        }
        func zh(_ verbs: String, _ kind: CoherenceFlag.Kind, _ cues: String) -> Pattern {
            Pattern(regex: try! NSRegularExpression(pattern: chineseClause + "(?:" + verbs + ")"), kind: kind, chinese: true, cues: CoherenceText.cueHashes(cues.map(String.init)),
                    gate: try! NSRegularExpression(pattern: verbs))
        }
        return [
            en("\(subject)\(bridge) (?:\(death))\\b(?! (?:down|away|out|off)\\b)", death, .deadActs, deathCues),
            en("\\b(?:\(killVerbs)) \(objectNoun)(?: dead)?\\b", killVerbs, .deadActs, killCues),
            en("\(subject)\(bridge) (?:\(destruction))\\b", destruction, .destroyedFunctions, destructionCues),
            en("\\b(?:\(destroyVerbs)) \(objectNoun)\\b", destroyVerbs, .destroyedFunctions, destroyCues),
            en("\(subject)\(bridge) (?:\(silence))\\b", silence, .silencedSpeaks, silenceCues),
            en("\(subject)\(bridge) (?:\(departure))", departure, .departedReturns, departureCues),
            zh(chineseDeath, .deadActs, "死世逝亡生害杀决牺斩溺"),
            zh(chineseDestruction, .destroyedFunctions, "碎毁烧烬塌拆"),
            zh(chineseSilence, .silencedSpeaks, "话口默声"),
            zh(chineseDeparture, .departedReturns, "离返回失"),
        ]
    }()

    /// Words before a state in its sentence that make it uncertain, negated, planned or unreal.
    static let hedge = try! NSRegularExpression(pattern: "\\b(?:if|unless|whether|almost|nearly|thought|believed|feared|fear|rumou?red|pretended|pretending|claimed|dream|dreamed|dreamt|dreaming|imagined|imagine|might|would|could|should|may|must|afraid|tried|threatened|as if|as though|planned|wanted|about to|not|never|nobody|no one|refused|hoped|wish|wished|in case|lest)\\b", options: [.caseInsensitive])
    /// The negations that belong to a state itself ("could no longer speak", "never to return"), removed before the hedge test.
    static let stateNegations = try! NSRegularExpression(pattern: "\\b(?:(?:could|can|would) (?:no longer|never again|never)|never (?:again|to|came|returned|spoke|sang|answered|seen)|was never seen)\\b")
    static let chineseHedge = try! NSRegularExpression(pattern: "如果|假如|要是|倘若|若是|万一|差点|几乎|险些|以为|梦|没有|没|不会|不曾|未曾|怕|担心|假装|据说|传说|似乎|好像|仿佛|或许|也许|可能|想象|假设|打算|准备|想要|威胁")

    /// Heads that a destroying or killing verb takes figuratively ("broke the silence").
    static let figurativeHeads: Set<String> = [
        "silence", "news", "heart", "hearts", "spell", "record", "rules", "rule", "law", "promise", "habit", "peace",
        "confidence", "hope", "hopes", "dream", "dreams", "mood", "ice", "bread", "fast", "time", "engine", "lights",
        "light", "deal", "tie", "stalemate", "truce", "quiet", "tension", "camp", "chain", "cycle", "pattern", "trust",
        "career", "reputation", "plan", "plans", "chances", "chance", "morale", "nerve", "nerves", "will", "way", "ground",
        "surface", "skin", "bone", "bones", "fall", "line", "lines", "story", "case", "bank", "budget", "idea", "ideas",
    ]
    /// Capitalised words that start sentences but are no names.
    static let notNames: Set<String> = [
        "The", "Then", "When", "After", "Before", "Yesterday", "Today", "Tomorrow", "That", "This", "There", "Here", "In",
        "On", "At", "By", "For", "From", "With", "Without", "And", "But", "Or", "So", "Yet", "Still", "Now", "Later",
        "Soon", "Finally", "Eventually", "Suddenly", "Meanwhile", "Once", "One", "Two", "Three", "Some", "Many", "Most",
        "Everyone", "Nobody", "No", "Nothing", "Everything", "It", "He", "She", "They", "We", "I", "You", "His", "Her",
        "Their", "Its", "My", "Our", "Your", "A", "An", "As", "If", "Although", "Though", "Because", "Since", "While",
        "Until", "During", "Within", "Over", "Under", "Last", "Next", "That", "Those", "These", "What", "Who", "Why",
        "How", "Where", "Even", "Only", "Just", "Also", "Years", "Months", "Weeks", "Days", "Winter", "Summer", "Spring",
        "Autumn", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
        "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Nor",
        "Outside", "Inside", "Around", "Across", "Along", "Among", "Against", "Toward", "Towards", "Through",
        "Everybody", "Somebody", "Someone", "Whoever", "Each", "Every", "Both", "Neither", "Either", "Such",
    ]
}
