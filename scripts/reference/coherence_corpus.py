#!/usr/bin/env python3
"""Builds the coherence corpus (Tests/Fixtures/coherence/corpus.jsonl) from the hand-written
building blocks in coherence_blocks_en.py, coherence_filler_en.py and coherence_blocks_zh.py.

Each planted document states one terminal state (death, destruction, silence, departure) and
contradicts it exactly once, at a varied distance; each control states several terminal states
and mentions the entities again only in ways that are not contradictions (memories, ghosts, the
late …, funerals, remains, quotes, hypotheticals, dreams, explicit revivals).

The split is fixed by a hash: a document is held out when sha256(id) % 3 == 0, and held-out
documents draw their event sentences only from held-out variants (sha256(sentence) % 3 == 0), so
the held-out part has sentences the checker was never tuned on. Deterministic: same output every run.
"""
import hashlib, json, os, random, re, sys

sys.path.insert(0, os.path.dirname(__file__))
import coherence_blocks_en as EN
import coherence_blocks_zh as ZH
from coherence_filler_en import FILLER as EN_FILLER

KINDS = ["dead_acts", "destroyed_functions", "silenced_speaks", "departed_returns"]


def h(s):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16)


def held(s):
    return h(s) % 3 == 0


def pool(items, heldout):
    part = [x for x in items if held(x) == heldout]
    return part or list(items)


def cap(s):
    i = 1 if s[:1] in "\"“" else 0
    return s[:i] + s[i:i + 1].upper() + s[i + 1:]


INTRO_EN = {
    "person": [
        "{A} had lived in {town} for as long as anyone could remember.",
        "Everyone in {town} knew {A}, if only by sight.",
        "{A} kept the accounts of the estate and was known for a sharp tongue and a generous hand.",
        "In those years {A} was the most talked-about person on the coast.",
    ],
    "thing": [
        "In the great hall hung {A}, which had answered the questions of three generations.",
        "For two hundred years {A} had been the pride of {town}.",
        "Travellers came from far away to see {A}.",
        "{A} was older than the town itself, or so the children were told.",
    ],
}
REVIVAL_SILENCE = {
    "en": ["Months later, to the amazement of the doctors, {a} regained {his} voice.",
           "The counter-spell worked at last, and {a} could speak again."],
    "zh": ["半年以后，{a}竟然恢复了声音。", "解咒之后，{a}又能说话了。"],
}
INTRO_ZH = {
    "person": ["{A}在{town}住了大半辈子。", "{town}的人都认识{A}。"],
    "thing": ["大殿里挂着{A}，据说已经有两百年了。", "{A}是{town}人最引以为豪的东西。"],
}


def entity_for(kind, rng, lang):
    blocks = EN if lang == "en" else ZH
    if kind == "destroyed_functions" or (kind == "silenced_speaks" and rng.random() < 0.3):
        if lang == "en":
            full, short = rng.choice(blocks.THINGS)
            return dict(A=full, a=short, he="it", his="its", him="it", cls="thing")
        full, short = rng.choice(blocks.THINGS)
        return dict(A=full, a=short, cls="thing")
    if lang == "en":
        full, short, pron = rng.choice(blocks.PEOPLE)
        he, his, him = ("he", "his", "him") if pron == "he" else ("she", "her", "her")
        return dict(A=full, a=short, he=he, his=his, him=him, cls="person")
    full, short = rng.choice(blocks.PEOPLE)
    return dict(A=full, a=short, cls="person")


def fill(template, ent, slots, lang):
    s = template.format(A=ent["A"], a=ent["a"], he=ent.get("he", ""), his=ent.get("his", ""), him=ent.get("him", ""), **slots)
    return cap(s) if lang == "en" else s


def safe_class(kind, ent):
    return {"departed_returns": "departed", "silenced_speaks": "silenced"}.get(kind, ent["cls"])


def make_doc(doc_id, lang, kind, planted, rng, far=False):
    heldout = held(doc_id)
    blocks = EN if lang == "en" else ZH
    fillers = list(EN_FILLER if lang == "en" else ZH.FILLER)
    rng.shuffle(fillers)
    living = rng.sample(blocks.LIVING, 2)
    slots = dict(B=living[0], C=living[1], town=rng.choice(blocks.TOWNS))
    paragraphs = [p.format(**slots) for p in fillers]
    if far:
        # Far documents: a second pass over the fillers with the living characters swapped, so the
        # contradiction can sit 2,000-3,000 words after the state.
        paragraphs += [p.format(B=living[1], C=living[0], town=slots["town"]) for p in fillers[:12]]
    join = " " if lang == "en" else ""

    def add(i, sentence, at_start=False):
        paragraphs[i] = sentence + join + paragraphs[i] if at_start else paragraphs[i] + join + sentence

    # Main entity, plus (for controls) one or two more entities with their own states.
    entities = [(kind, entity_for(kind, rng, lang))]
    if not planted:
        for extra in rng.sample([k for k in KINDS if k != kind], rng.choice([1, 2])):
            e = entity_for(extra, rng, lang)
            if all(e["a"] != x["a"] for _, x in entities):
                entities.append((extra, e))
    n = len(paragraphs)
    state_at = rng.randint(1, min(4, n - 6))
    main_kind, main = entities[0]
    intro = (INTRO_EN if lang == "en" else INTRO_ZH)[main["cls"]]
    add(state_at - 1, fill(rng.choice(pool(intro, heldout)), main, slots, lang))
    state_sentence = fill(rng.choice(pool(blocks.STATE[main_kind], heldout)), main, slots, lang)
    add(state_at, state_sentence, at_start=rng.random() < 0.4)
    record = dict(id=doc_id, lang=lang, split="heldout" if heldout else "dev", planted=None)
    distance = rng.choice([1, 1, 2, 3, 5, 8, 12, 16])
    contra_at = min(n - 1, state_at + distance) if not far else n - 2
    # Safe later mentions between the state and the end (and before the contradiction, too).
    safe_pool = pool(blocks.SAFE[safe_class(main_kind, main)], heldout)
    for _ in range(rng.randint(1, 3) if planted else rng.randint(3, 6)):
        i = rng.randint(state_at + 1, n - 1)
        add(i, fill(rng.choice(safe_pool), main, slots, lang), at_start=rng.random() < 0.3)
    if planted:
        contra = fill(rng.choice(pool(blocks.CONTRA[main_kind], heldout)), main, slots, lang)
        add(contra_at, contra, at_start=rng.random() < 0.5)
        record["planted"] = dict(kind=main_kind, entity=main["A"], state_sentence=state_sentence, contradiction_sentence=contra)
    else:
        # Controls: extra entities reach their states and are mentioned only safely; half of the
        # controls revive the main entity explicitly and then let it act.
        for extra_kind, e in entities[1:]:
            i = rng.randint(state_at, n - 3)
            add(i, fill(rng.choice(pool(blocks.STATE[extra_kind], heldout)), e, slots, lang))
            for _ in range(rng.randint(1, 2)):
                j = rng.randint(i + 1, n - 1)
                add(j, fill(rng.choice(pool(blocks.SAFE[safe_class(extra_kind, e)], heldout)), e, slots, lang))
        revivals = REVIVAL_SILENCE[lang] if main_kind == "silenced_speaks" else blocks.REVIVAL[main["cls"]]
        if main_kind != "departed_returns" and rng.random() < 0.5 and state_at + 3 < n:
            r = rng.randint(state_at + 1, n - 2)
            add(r, fill(rng.choice(pool(revivals, heldout)), main, slots, lang))
            add(rng.randint(r + 1, n - 1), fill(rng.choice(pool(blocks.CONTRA[main_kind], heldout)), main, slots, lang))
        record["states"] = [k for k, _ in entities]
    # Trim to a length between 500 and 4,000 words (Chinese: characters).
    keep = max(contra_at + 1 if planted else state_at + 3, rng.randint(5, n)) if not far else n
    text = "\n\n".join(paragraphs[:keep])
    size = len(text.split()) if lang == "en" else len(re.findall(r"[\u4e00-\u9fff]", text))
    while size < 500 and keep < n:
        keep += 1
        text = "\n\n".join(paragraphs[:keep])
        size = len(text.split()) if lang == "en" else len(re.findall(r"[\u4e00-\u9fff]", text))
    if lang == "en" and keep == n and not far and rng.random() < 0.5:
        # Longer documents: a second pass over the fillers with the other living characters.
        more = [p.format(B=living[1], C=living[0], town=slots["town"]) for p in fillers[:rng.randint(6, 14)]]
        text = text + "\n\n" + "\n\n".join(more)
        size = len(text.split())
    record["text"] = text
    record["size"] = size
    if planted:
        record["planted"]["distance_chars"] = text.index(record["planted"]["contradiction_sentence"]) - text.index(state_sentence)
    return record


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/coherence/corpus.jsonl"
    rng = random.Random(14)
    docs = []
    plan = [("en", True, 48), ("en", False, 40), ("zh", True, 20), ("zh", False, 16)]
    for lang, planted, count in plan:
        for i in range(count):
            kind = KINDS[i % 4]
            doc_id = f"{lang}-{'planted' if planted else 'control'}-{i:02d}"
            docs.append(make_doc(doc_id, lang, kind, planted, rng))
    # Added after the first held-out run: planted contradictions thousands of words after their state
    # (own random stream, so the documents above are unchanged).
    far_rng = random.Random(1414)
    for i in range(8):
        docs.append(make_doc(f"en-far-{i:02d}", "en", KINDS[i % 4], True, far_rng, far=True))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    for split in ["dev", "heldout"]:
        part = [d for d in docs if d["split"] == split]
        print(split, "planted", sum(1 for d in part if d["planted"]), "controls", sum(1 for d in part if not d["planted"]))
    sizes = [d["size"] for d in docs]
    print("size min/max", min(sizes), max(sizes))


if __name__ == "__main__":
    main()
