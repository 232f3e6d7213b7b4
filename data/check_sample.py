#!/usr/bin/env python3
"""Checks data/sample/ and prints the counts quoted in data/README.md.

Run: python3 data/check_sample.py   (from the repository root, or anywhere)

Every line must parse; the first user turn of each record is normalised (whitespace runs -> one
space, trimmed) and exact-deduplicated. Languages are counted by script, the way the mine stage
is meant to detect them. Exits non-zero if a check fails.
"""
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "sample"

# A stated output length: a number (digits, "10k", or Chinese numerals before 字) followed by a
# unit, optionally as a range ("4000-5000 words", "between 6,000 and 8,000 words", "4000到5000字").
_NUM = r"\d[\d,.]*\s*k?"
EXPLICIT_LENGTH = re.compile(
    rf"{_NUM}\s*(?:(?:[-–~到至]|to|and)\s*{_NUM})?\s*-?\s*"
    r"(?:words?|pages?|mots|palabras|páginas|wörter|seiten|слов|단어|文字|字)"
    r"|[一二两三四五六七八九十百千万]{2,}字",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Whitespace runs (any Unicode whitespace, newlines included) become one space; ends trimmed."""
    return re.sub(r"\s+", " ", text).strip()


def normalise_keep_newlines(text: str) -> str:
    """Stricter variant: only horizontal whitespace runs collapse; newlines kept; ends trimmed."""
    return re.sub(r"[^\S\n]+", " ", text.replace("\r\n", "\n")).strip()


def script_language(text: str) -> str:
    """chinese / japanese / korean / latin / other, by the dominant script.

    CJK characters count one each, other scripts count one per word, so a Chinese query with
    "Python" in it stays Chinese and an English query quoting 加油 stays Latin. Kana anywhere
    makes a CJK text Japanese (kanji are shared).
    """
    han = kana = hangul = 0
    for ch in text:
        o = ord(ch)
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
            han += 1
        elif 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9D:
            kana += 1
        elif 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
            hangul += 1
    latin_words = other_words = 0
    for word in re.findall(r"[^\W\d_]+", text):
        letters = [c for c in word if not _is_cjk(c)]
        if not letters:
            continue
        if all(unicodedata.name(c, "").startswith("LATIN") for c in letters):
            latin_words += 1
        else:
            other_words += 1
    scores = {"cjk": han + kana, "korean": hangul, "latin": latin_words, "other": other_words}
    best = max(scores, key=lambda k: scores[k])
    if best == "cjk":
        return "japanese" if kana else "chinese"
    return best


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F
            or 0xF900 <= o <= 0xFAFF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9D)


def first_user_turn(record: dict) -> str:
    if "prompt" in record:
        return record["prompt"]
    for turn in record["conversation"]:
        if turn["role"] == "user":
            return turn["content"]
    raise ValueError("no user turn")


def read_queries():
    """Yields (file, line number, first user turn, record or None)."""
    for name in ("wildchat.jsonl", "prompts.jsonl"):
        raw = (SAMPLE / name).read_bytes().decode("utf-8")  # strict: fails on invalid UTF-8
        for n, line in enumerate(raw.split("\n")[:-1], start=1):
            record = json.loads(line)
            assert isinstance(record, dict), f"{name}:{n} is not an object"
            text = first_user_turn(record)
            assert isinstance(text, str) and text.strip(), f"{name}:{n} has no text"
            yield name, n, text, record
    raw = (SAMPLE / "queries.txt").read_bytes().decode("utf-8")
    for n, line in enumerate(raw.split("\n")[:-1], start=1):
        assert line.strip(), f"queries.txt:{n} is blank"
        yield "queries.txt", n, line, None


def _position(group):
    """Sort key for a duplicate group: file name, then line number of its first member."""
    name, line = group[0].split(":")
    return name, int(line)


def main() -> int:
    labels = {}
    for line in (SAMPLE.parent / "sample_labels.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        labels[(entry["file"], entry["line"])] = entry["kind"]

    rows = list(read_queries())
    lines_per_file = Counter(f for f, *_ in rows)
    first_seen = {}
    groups = defaultdict(list)
    strict_groups = defaultdict(list)
    for f, n, text, _ in rows:
        key = normalise(text)
        groups[key].append(f"{f}:{n}")
        strict_groups[normalise_keep_newlines(text)].append(f"{f}:{n}")
        first_seen.setdefault(key, (f, n, text))
    dups = sorted((v for v in groups.values() if len(v) > 1), key=_position)
    strict_dups = sorted((v for v in strict_groups.values() if len(v) > 1), key=_position)

    ok = True
    if dups != strict_dups:
        print("FAIL: duplicate groups differ when newlines are kept", file=sys.stderr)
        ok = False
    if set(labels) != {(f, n) for f, n, *_ in rows}:
        print("FAIL: sample_labels.jsonl does not cover exactly the sample lines", file=sys.stderr)
        ok = False
    for group in dups:
        kinds = {labels[(g.split(":")[0], int(g.split(":")[1]))] for g in group}
        if len(kinds) != 1:
            print(f"FAIL: duplicates {group} carry different labels", file=sys.stderr)
            ok = False

    distinct = list(first_seen.values())
    per_file_distinct = Counter(f for f, *_ in distinct)
    langs = Counter(script_language(t) for _, _, t in distinct)
    kinds = Counter(labels[(f, n)] for f, n, _ in distinct)
    explicit = [(f, n) for f, n, t in distinct if EXPLICIT_LENGTH.search(t)]
    explicit_long = [k for k in explicit if labels[k] == "long"]
    multiline = sum(1 for _, _, t in distinct if "\n" in t.strip())

    wild = [r for f, _, _, r in rows if f == "wildchat.jsonl"]
    multi_turn = sum(1 for r in wild if r["turn"] > 1)
    with_system = sum(1 for r in wild if r["conversation"][0]["role"] == "system")

    total = len(distinct)
    print("lines per file:", dict(lines_per_file), "total", sum(lines_per_file.values()))
    print("distinct normalised first user turns:", total, dict(per_file_distinct))
    print("planted duplicate groups:", len(dups))
    for group in dups:
        print("   ", " = ".join(group))
    print("wildchat: multi-turn", multi_turn, "| system turn first", with_system)
    print("languages by script:", ", ".join(f"{k} {v} ({100 * v / total:.1f}%)" for k, v in langs.most_common()))
    print("labels:", ", ".join(f"{k} {v} ({100 * v / total:.1f}%)" for k, v in kinds.most_common()))
    print(f"explicit length stated: {len(explicit)} of {total} ({100 * len(explicit) / total:.1f}%); "
          f"among long: {len(explicit_long)} of {kinds['long']} ({100 * len(explicit_long) / kinds['long']:.1f}%); "
          f"among short: {len(explicit) - len(explicit_long)}")
    print("multi-line queries:", multiline)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
