#!/usr/bin/env python3
"""Writes the WordPiece fixture: generated strings and the ids Hugging Face `tokenizers`
gives them with the encoder's tokenizer.json (truncated to 256 ids, no padding).

usage: wordpiece_fixture.py TOKENIZER_JSON OUT_JSONL   (pip install tokenizers)
"""
import json
import random
import sys

from tokenizers import Tokenizer

WORDS = ["the", "report", "writing", "unbelievably", "tokenization", "plan", "section", "data", "model",
         "running", "jumped", "antidisestablishmentarianism", "GPU", "iPhone", "McDonald's", "e-mail",
         "self-driving", "state-of-the-art", "COVID-19", "x86_64", "naïve", "café", "résumé", "Zürich",
         "Ångström", "façade", "coöperate", "señor", "São", "Dvořák", "Łódź", "straße", "ÆSIR", "œuvre",
         "İstanbul", "ΣΊΣΥΦΟΣ", "Москва", "привет", "العربية", "שלום", "हिन्दी", "ไทย", "한국어", "日本語",
         "中文", "汉字测试", "東京タワー", "カタカナ", "ひらがな", "𠀋", "丽", "😀", "👍🏽", "👨‍👩‍👧", "🚀🚀",
         "❤️", "☕", "∑", "∞", "€", "£100", "$5.99", "3.14159", "1,000,000", "2nd", "42", "0x1F",
         "10^9", "½", "²", "Ⅻ", "ﬁ", "Ｆｕｌｌｗｉｄｔｈ", "e\u0301", "a\u0308\u0304", "[MASK]", "[SEP]",
         "[UNK]", "[cls]", "<s>", "##ing", "#hashtag", "@user", "http://example.com/a?b=c", "don't",
         "rock'n'roll", "C++", "C#", "F#", "A&B", "50%", "~/path/to_file.txt", "zwj\u200bspace",
         "soft\u00adhyphen", "bell\u0007", "nul\u0000byte", "rep\ufffdlace", "priv\ue000ate", "tab\tbed",
         "Ǆ", "ǅ", "ß", "ﬀ", "K", "Å"]
PUNCT = list(".,;:!?-—–…()[]{}<>\"'“”‘’«»¿¡/\\|*&^%$#@~`+=_·•§¶†")
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u2028", "\u0085"]


def random_word(rng):
    letters = "abcdefghijklmnopqrstuvwxyzéèàüöçñ"
    return "".join(rng.choice(letters) for _ in range(rng.randint(1, 14)))


def long_word(rng):
    return "".join(rng.choice("abcdefghij") for _ in range(rng.choice([99, 100, 101, 150])))


def generate(rng):
    parts = []
    for _ in range(rng.randint(1, 30)):
        roll = rng.random()
        if roll < 0.45:
            parts.append(rng.choice(WORDS))
        elif roll < 0.65:
            parts.append(random_word(rng))
        elif roll < 0.8:
            parts.append(rng.choice(PUNCT))
        elif roll < 0.9:
            parts.append(str(rng.randint(0, 10 ** rng.randint(1, 12))))
        elif roll < 0.93:
            parts.append(long_word(rng))
        else:
            parts.append(chr(rng.randint(0x4E00, 0x9FFF)) * rng.randint(1, 3))
        parts.append(rng.choice(SPACES) if rng.random() < 0.8 else "")
    text = "".join(parts)
    if rng.random() < 0.1:
        text = text.upper()
    return text


def main():
    tokenizer = Tokenizer.from_file(sys.argv[1])
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=256)
    rng = random.Random(15)
    texts = ["", " ", "\n\t", "Hello, world!", "[CLS] [SEP]", "a" * 100, "a" * 101]
    texts += [generate(rng) for _ in range(1200)]
    # A few long texts that hit the 256-token truncation.
    texts += [" ".join(generate(rng) for _ in range(12)) for _ in range(20)]
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for text in texts:
            ids = tokenizer.encode(text).ids
            out.write(json.dumps({"text": text, "ids": ids}, ensure_ascii=False) + "\n")
    print(f"wrote {len(texts)} strings to {sys.argv[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
