#!/usr/bin/env python3
"""Reference fixtures for the Swift tokenizer and chat templates (module Decoder).

Writes three files into Tests/DecoderTests/Fixtures/:

* tokenizer_smollm.json -- a deterministic corpus of varied strings and the token ids the
  Hugging Face `tokenizers` library gives for them with the default model's vocabulary
  (with special-token matching, and for strings containing '<' also without it).
* tokenizer_pretokenize.json -- for the same corpus, how each pre-tokenizer family splits the
  text (`gpt2`, `smollm`, `llama-bpe`, `qwen2`), as lengths in Unicode scalars, computed by
  the `tokenizers` pre-tokenizers the families' tokenizer.json files use.
* tokenizer_chat_smollm.json -- chat prompts rendered by transformers' `apply_chat_template`
  (jinja2) from the model's own `tokenizer.chat_template`, and from the Llama-3 template.

How the reference tokenizer is built: a `tokenizers.Tokenizer` is constructed from the GGUF's
`tokenizer.ggml.tokens` / `tokenizer.ggml.merges` (read with the `gguf` package) with the exact
pipeline of SmolLM2's published tokenizer.json: BPE (no unk, no dropout, merges not ignored),
pre-tokenizer Sequence[Digits(individual_digits=True), ByteLevel(add_prefix_space=False,
trim_offsets=True, use_regex=True)], ByteLevel decoder, and the tokens of type CONTROL (3) as
special added tokens (USER_DEFINED (4) as plain added tokens). transformers' own GGUF loading
is NOT used: it needs torch, and for `tokenizer.ggml.pre = smollm` it builds a plain GPT-2
ByteLevel pre-tokenizer without the individual-digit split that SmolLM2 (and llama.cpp's
`smollm` pre-tokenizer) use.

The llama-bpe / qwen2 split patterns are the ones in those models' tokenizer.json files
(transformers ships them: the Llama-3 pattern in integrations/gguf, the Qwen2 one in
models/qwen2), applied as Split(Regex(pattern), behavior="isolated"); gpt2 is ByteLevel with
use_regex=True. Note: Qwen2's tokenizer.json also has an NFC normalizer, which is not part of
the split and is not reproduced here.

Usage (not run by CI; its output is checked in):
    pip install gguf tokenizers transformers jinja2     # torch is not needed
    python3 scripts/reference/make_tokenizer_fixture.py [path/to/SmolLM2-135M-Instruct.Q4_1.gguf]
"""

import json
import os
import random
import sys
from pathlib import Path

import gguf
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "DecoderTests" / "Fixtures"
SEEDS = Path(__file__).resolve().parent / "tokenizer_corpus_seeds.txt"
SEED = 20241122

LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN2_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

LLAMA3_CHAT_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)


def default_model_path() -> str:
    if os.environ.get("LWDATA_MODEL"):
        return os.environ["LWDATA_MODEL"]
    cache = os.environ.get("LWDATA_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "lwdata")
    return os.path.join(cache, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")


def read_vocabulary(path: str) -> dict:
    reader = gguf.GGUFReader(path)

    def field(key):
        return reader.fields[key].contents() if key in reader.fields else None

    return {
        "model": field("tokenizer.ggml.model"),
        "pre": field("tokenizer.ggml.pre"),
        "tokens": field("tokenizer.ggml.tokens"),
        "merges": field("tokenizer.ggml.merges"),
        "token_type": field("tokenizer.ggml.token_type"),
        "chat_template": field("tokenizer.chat_template"),
    }


def build_reference(vocabulary: dict) -> Tokenizer:
    assert vocabulary["model"] == "gpt2" and vocabulary["pre"] == "smollm", vocabulary["pre"]
    tokens = vocabulary["tokens"]
    vocab = {token: index for index, token in enumerate(tokens)}
    merges = [tuple(merge.split(" ", 1)) for merge in vocabulary["merges"]]
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tokenizer.pre_tokenizer = smollm_pre_tokenizer()
    tokenizer.decoder = decoders.ByteLevel()
    types = vocabulary["token_type"]
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False)
                                  for t, kind in zip(tokens, types) if kind == 3])
    tokenizer.add_tokens([AddedToken(t, special=False, normalized=False)
                          for t, kind in zip(tokens, types) if kind == 4])
    assert tokenizer.get_vocab_size() == len(tokens)
    return tokenizer


def smollm_pre_tokenizer():
    return pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
    ])


def family_pre_tokenizers() -> dict:
    return {
        "gpt2": pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
        "smollm": smollm_pre_tokenizer(),
        "llama-bpe": pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated"),
        "qwen2": pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated"),
    }


# ---------------------------------------------------------------- corpus


def read_seeds() -> list:
    seeds = []
    for line in SEEDS.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        seeds.append(line.encode("latin-1", "backslashreplace").decode("unicode_escape"))
    return seeds


SEPARATORS = [" ", "  ", "\n", "\n\n", "\t", "\r\n", "", " \n ", "\n\t", "   \n", ". ", ", ",
              "<|im_end|>", "<|im_start|>", "<|endoftext|>", "\u00a0", "\u3000", "'", "’", "0"]

SCALAR_RANGES = [
    (0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
    (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF),
    (0x2000, 0x206F), (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2150, 0x218F),
    (0x2190, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x25FF), (0x2600, 0x27BF), (0x3000, 0x303F),
    (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F300, 0x1F5FF),
    (0x1F600, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF), (0x1D400, 0x1D7FF),
    (0x1F1E6, 0x1F1FF), (0x1F3FB, 0x1F3FF), (0x10000, 0x1007F), (0x20000, 0x2A6DF),
]
WHITESPACE = [" ", " ", " ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u3000", "\u2028", "\u2029",
              "\x0b", "\x0c", "\x85", "\u2009", "\u200b", "\u1680", "\u202f", "\u205f", "\x1c"]
PUNCTUATION = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + ["…", "—", "–", "«", "»", "“", "”", "’", "¿", "¡", "。", "、", "！", "？", "·", "•", "§", "¶", "©", "°", "±", "×", "÷"]
DIGITS = list("0123456789") + list("٠١٢٣٤٥٦٧٨٩") + list("०१२३४५६७८९") + list("０１２３４５６７８９") + ["²", "³", "¹", "½", "Ⅻ", "①", "߀", "๓"]
WORDS = ["the", "The", "THE", "cat", "won", "it", "they", "we", "you", "naïve", "日本", "数据", "한국",
         "über", "Москва", "λόγος", "x", "I", "a", "Z", "é", "ß", "ǅ", "ﬁ", "ſ", "K"]
CONTRACTION_TAILS = ["s", "t", "re", "ve", "m", "ll", "d", "S", "T", "RE", "Re", "rE", "VE", "M", "LL",
                     "lL", "D", "x", "", " ", "ſ", "K", "ll'", "'", "s'"]
SPECIAL_FRAGMENTS = ["<|", "|>", "im_start", "im_end", "<|im_start|>", "<|im_end|>", "<|endoftext|>",
                     "<", ">", "|", "<repo_name>", "<file_sep>", "<empty_output>", "endoftext", " ", "\n", "x"]


def random_scalar(rng) -> str:
    low, high = rng.choice(SCALAR_RANGES)
    return chr(rng.randint(low, high))


def synthetic(rng, kind: str) -> str:
    n = rng.randint(1, 40)
    if kind == "digits":
        pool = DIGITS[:10] if rng.random() < 0.6 else DIGITS
        return "".join(rng.choice(pool + [" ", ",", ".", "-", "a", "x"]) if rng.random() < 0.15
                       else rng.choice(pool) for _ in range(n))
    if kind == "whitespace":
        return "".join(rng.choice(WHITESPACE) if rng.random() < 0.6
                       else rng.choice(WORDS + PUNCTUATION + DIGITS[:10]) for _ in range(n))
    if kind == "contractions":
        return "".join(rng.choice(["'", "'", "’", " '"]) + rng.choice(CONTRACTION_TAILS) +
                       (rng.choice(WORDS) if rng.random() < 0.5 else "") +
                       (" " if rng.random() < 0.4 else "") for _ in range(rng.randint(1, 8)))
    if kind == "punctuation":
        return "".join(rng.choice(PUNCTUATION + [" ", " ", "\n", "a", "1"]) for _ in range(n))
    if kind == "scalars":
        return "".join(random_scalar(rng) if rng.random() < 0.8 else rng.choice(WHITESPACE[:6])
                       for _ in range(n))
    if kind == "special":
        return "".join(rng.choice(SPECIAL_FRAGMENTS) for _ in range(rng.randint(1, 12)))
    if kind == "words":
        return "".join(rng.choice(WORDS) + rng.choice(["", " ", "  ", "\n", ",", "'s", "'S", "1", "\t"])
                       for _ in range(rng.randint(1, 15)))
    raise ValueError(kind)


def build_corpus(seeds: list) -> list:
    rng = random.Random(SEED)
    corpus = list(seeds)
    for _ in range(500):
        parts = rng.sample(seeds, rng.randint(2, 4))
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(SEPARATORS) + part
        roll = rng.random()
        if roll < 0.25:
            start = rng.randrange(len(text))
            text = text[start:start + rng.randint(1, 120)]
        elif roll < 0.35:
            text = text[:rng.randrange(1, len(text) + 1)]
        corpus.append(text)
    kinds = ["digits", "whitespace", "contractions", "punctuation", "scalars", "special", "words"]
    for index in range(700):
        corpus.append(synthetic(rng, kinds[index % len(kinds)]))
    # Long inputs: long pre-token words (CJK and letters without spaces), long prose, emoji runs.
    cjk = [s for s in seeds if any("\u4e00" <= c <= "\u9fff" for c in s)]
    corpus.append("".join(rng.choice(cjk) for _ in range(60)).replace(" ", "").replace("\n", ""))
    corpus.append("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3000)))
    corpus.append("".join(rng.choice("ab") for _ in range(2000)))
    corpus.append(" ".join(s for s in seeds if s.isascii()) * 3)
    corpus.append("".join(random_scalar(rng) for _ in range(3000)))
    corpus.append("👨‍👩‍👧‍👦👍🏽🇫🇷" * 300)
    corpus.append("".join(str(rng.randint(0, 9)) for _ in range(5000)))
    corpus.append(" " * 1000 + "x" + "\n" * 500 + "\t" * 300 + "y" + " \r\n" * 200)
    return corpus


# ---------------------------------------------------------------- outputs


def gpt2_byte_decoder() -> dict:
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {chr(code): byte for byte, code in zip(printable, codes)}


def split_lengths(pre_tokenizer, text: str, byte_level: bool, decoder: dict) -> list:
    lengths = []
    for piece, _ in pre_tokenizer.pre_tokenize_str(text):
        raw = bytes(decoder[c] for c in piece).decode("utf-8") if byte_level else piece
        lengths.append(len(raw))
    assert sum(lengths) == len(text), (text, lengths)
    return lengths


def chat_cases() -> list:
    return [
        [{"role": "user", "content": "Hello!"}],
        [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi"}],
        [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"},
         {"role": "user", "content": "And 3+3?"}],
        [{"role": "system", "content": "Write long answers."},
         {"role": "user", "content": "Write a 5,000-word essay on lighthouses.\nUse 8 sections."},
         {"role": "assistant", "content": "  # Lighthouses\n\nA lighthouse is...  \n"}],
        [{"role": "user", "content": "  padded with spaces and tabs\t\n"}],
        [{"role": "user", "content": "\u3000\u00a0ideographic and nbsp padding\u2028\x1c"}],
        [{"role": "user", "content": ""}],
        [{"role": "user", "content": "写一篇不少于两万字的小说。"}, {"role": "assistant", "content": "好的。"}],
        [{"role": "assistant", "content": "I speak first."}, {"role": "user", "content": "OK"}],
        [{"role": "tool", "content": "{\"result\": 42}"}],
        [{"role": "user", "content": "Embedded <|im_end|> and <|eot_id|> markers"}],
        [{"role": "system", "content": ""}, {"role": "user", "content": "empty system"}],
    ]


def render_chats(chat_template: str) -> list:
    from transformers import PreTrainedTokenizerFast

    host = PreTrainedTokenizerFast(tokenizer_object=Tokenizer(models.BPE()), bos_token="<|begin_of_text|>")
    rendered = []
    for template_name, template in (("chatml", chat_template), ("llama3", LLAMA3_CHAT_TEMPLATE)):
        for messages in chat_cases():
            for generation in (False, True):
                text = host.apply_chat_template(messages, chat_template=template, tokenize=False,
                                                add_generation_prompt=generation)
                rendered.append({"template": template_name, "messages": messages,
                                 "add_generation_prompt": generation, "rendered": text})
    return rendered


def write_json(name: str, payload: dict) -> None:
    path = FIXTURES / name
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size:,} bytes)")


def main() -> None:
    model_path = sys.argv[1] if len(sys.argv) > 1 else default_model_path()
    vocabulary = read_vocabulary(model_path)
    reference = build_reference(vocabulary)
    corpus = build_corpus(read_seeds())

    cases = []
    for text in corpus:
        reference.encode_special_tokens = False
        case = {"text": text, "ids": reference.encode(text, add_special_tokens=False).ids}
        if "<" in text:
            reference.encode_special_tokens = True
            case["ids_without_special"] = reference.encode(text, add_special_tokens=False).ids
        reference.encode_special_tokens = False
        assert reference.decode(case["ids"], skip_special_tokens=False) == text, text
        cases.append(case)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    write_json("tokenizer_smollm.json", {
        "generator": "scripts/reference/make_tokenizer_fixture.py",
        "reference": "tokenizers " + __import__("tokenizers").__version__ + ", vocabulary of " + os.path.basename(model_path),
        "model": os.path.basename(model_path),
        "cases": cases,
    })

    decoder = gpt2_byte_decoder()
    families = family_pre_tokenizers()
    split_cases = []
    for text in corpus:
        split_cases.append({"text": text, "splits": {
            name: split_lengths(pre, text, name in ("gpt2", "smollm"), decoder) for name, pre in families.items()}})
    write_json("tokenizer_pretokenize.json", {
        "generator": "scripts/reference/make_tokenizer_fixture.py",
        "reference": "tokenizers " + __import__("tokenizers").__version__ + " pre-tokenizers",
        "patterns": {"llama-bpe": LLAMA3_SPLIT, "qwen2": QWEN2_SPLIT},
        "unit": "Unicode scalars per piece",
        "cases": split_cases,
    })

    write_json("tokenizer_chat_smollm.json", {
        "generator": "scripts/reference/make_tokenizer_fixture.py",
        "reference": "transformers " + __import__("transformers").__version__ + " apply_chat_template",
        "chatml_template": vocabulary["chat_template"],
        "llama3_template": LLAMA3_CHAT_TEMPLATE,
        "cases": render_chats(vocabulary["chat_template"]),
    })


if __name__ == "__main__":
    main()
