#!/usr/bin/env python3
"""Tiny random-weight Qwen2 GGUF files, and reference logits for them from llama.cpp.

There is no Qwen2 model on the test machines, so this script writes small ones: the
`qwen2` architecture (q/k/v biases, RoPE on the two halves of each head, ChatML, the
`qwen2` pre-tokenizer) with a small byte-level BPE vocabulary and merges learned from
`CORPUS`, random weights from a fixed seed. Every file it writes is the same byte for byte
on every run (numpy's PCG64 streams and gguf-py's writer are deterministic).

Files (`MODELS`):
  * qwen2-tiny-f32-tied.gguf  - all F32, no output.weight (output tied to token_embd)
  * qwen2-tiny-mixed.gguf     - separate output.weight; tensor types of a Q4_K_M file and the
                                rest this decoder reads: Q4_K Q5_K Q6_K Q8_0 Q4_0 Q4_1 F16 BF16
  * qwen2-tiny-q5.gguf        - tied output; Q5_0 and Q5_1 tensors (the types Qwen2.5 Q4_K_M files
                                use for rows that are not a multiple of 256), mixed in layer 1
                                with Q8_0, Q4_0, Q4_1 and Q4_K
  * qwen2-tiny-iq4_nl.gguf    - one IQ4_NL tensor (a type the decoder does not read)
  * qwen2-tiny-mamba.gguf     - the tied model with general.architecture = "mamba"

Two modes:
  --models-only DIR   write the files into DIR and print {name: sha256} as JSON (the tests
                      run this, needing only numpy and gguf); with --dequantized, also write
                      for every tensor gguf-py quantized in qwen2-tiny-q5.gguf the float32
                      values given to its quantizer (DIR/<tensor>.source.f32) and gguf-py's
                      dequantization of the blocks read back from the file
                      (DIR/<tensor>.gguf-py.f32), raw little-endian, rows one after another;
  (default)           also run llama.cpp (llama-cpp-python against the local build, see
                      README.md) and write Tests/DecoderTests/Fixtures/reference_qwen2.json.

llama.cpp quantizes activations to Q8 inside quantized matmuls, so for the mixed and Q5 files
the reference is llama.cpp on the same weights dequantized to F32 by `llama-quantize` (as in
make_decoder_fixtures.py): what an exact-f32 decoder should produce.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import zlib

import numpy as np

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_LLAMA_DIR = pathlib.Path("/work/dev/llama.cpp")
DEFAULT_OUT = REPO_ROOT / "Tests/DecoderTests/Fixtures/reference_qwen2.json"
SEED = 20260522

WIDTH = 256
LAYERS = 2
HEADS = 4
KV_HEADS = 2
FEED_FORWARD = 512
CONTEXT = 512
ROPE_BASE = 1_000_000.0
EPSILON = 1e-6
OUTPUT_SIGMA = 0.3
MERGES = 240
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
CORPUS = """
The quick brown fox jumps over the lazy dog. The sea is wide and the ships sail on it.
Write a short plan about the sea, in three parts: the waves, the shore and the ships.
A plan has paragraphs; each paragraph has a main point and a word count.
In 2024 the city had many people, and the people wrote long answers about their lives.
Hello world! This is a test of the tokenizer, with words, numbers and punctuation.
"""

# (name, kind, text): "chat" texts are one user message rendered in ChatML.
PROMPTS = [
    ("fox_raw", "raw", "The quick brown fox jumps over the lazy dog."),
    ("sea_chat", "chat", "Write a short plan about the sea, in 3 parts."),
    ("numbers_cjk_raw", "raw", "In 2024, 北京 had 21,893,095 people!\n\tTabs  and  spaces."),
]
GREEDY_STEPS = 32
N_CTX = 256
N_THREADS = 2

# Tensor types of the mixed file by (layer or None, tensor name); everything else is F32.
MIXED_TYPES = {
    (None, "token_embd.weight"): "Q8_0",
    (None, "output.weight"): "Q6_K",
    (0, "attn_q.weight"): "Q4_K", (0, "attn_k.weight"): "Q5_K", (0, "attn_v.weight"): "Q6_K",
    (0, "attn_output.weight"): "Q8_0", (0, "ffn_gate.weight"): "Q4_0", (0, "ffn_up.weight"): "Q4_1",
    (0, "ffn_down.weight"): "Q6_K",
    (1, "attn_q.weight"): "Q8_0", (1, "attn_k.weight"): "F16", (1, "attn_v.weight"): "BF16",
    (1, "attn_output.weight"): "Q4_K", (1, "ffn_gate.weight"): "Q5_K", (1, "ffn_up.weight"): "Q4_K",
    (1, "ffn_down.weight"): "Q4_K",
}

# Tensor types of the Q5 file: layer 0 all Q5_0/Q5_1; in layer 1 each group of products run
# together (q/k/v, gate/up) mixes a type with an int8 kernel and one without.
Q5_TYPES = {
    (None, "token_embd.weight"): "Q5_1",
    (0, "attn_q.weight"): "Q5_0", (0, "attn_k.weight"): "Q5_1", (0, "attn_v.weight"): "Q5_0",
    (0, "attn_output.weight"): "Q5_1", (0, "ffn_gate.weight"): "Q5_0", (0, "ffn_up.weight"): "Q5_1",
    (0, "ffn_down.weight"): "Q5_0",
    (1, "attn_q.weight"): "Q8_0", (1, "attn_k.weight"): "Q5_0", (1, "attn_v.weight"): "Q4_0",
    (1, "attn_output.weight"): "Q5_1", (1, "ffn_gate.weight"): "Q4_1", (1, "ffn_up.weight"): "Q5_0",
    (1, "ffn_down.weight"): "Q4_K",
}

# name: (architecture, separate output matrix, tensor types)
MODELS = {
    "qwen2-tiny-f32-tied.gguf": ("qwen2", False, {}),
    "qwen2-tiny-mixed.gguf": ("qwen2", True, MIXED_TYPES),
    "qwen2-tiny-q5.gguf": ("qwen2", False, Q5_TYPES),
    "qwen2-tiny-iq4_nl.gguf": ("qwen2", False, {(0, "attn_q.weight"): "IQ4_NL"}),
    "qwen2-tiny-mamba.gguf": ("mamba", False, {}),
}
REFERENCE_MODELS = ["qwen2-tiny-f32-tied.gguf", "qwen2-tiny-mixed.gguf", "qwen2-tiny-q5.gguf"]
DEQUANTIZED_MODEL = "qwen2-tiny-q5.gguf"
# The quantized types gguf-py encodes itself (the others get random blocks).
GGUF_PY_ENCODED = ("Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0")


# --- vocabulary -------------------------------------------------------------------------

def byte_alphabet() -> list[str]:
    """GPT-2's byte-level alphabet: the character standing for each byte 0...255."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = [], 0
    for byte in range(256):
        if byte in printable:
            chars.append(chr(byte))
        else:
            chars.append(chr(256 + extra))
            extra += 1
    return chars


def learn_merges(alphabet: list[str]) -> list[tuple[str, str]]:
    """Byte-pair merges learned from CORPUS (most frequent pair first, ties by the pair's text)."""
    words = collections.Counter(re.findall(r"'s|'t| ?[A-Za-z]+| ?[0-9]| ?[^\sA-Za-z0-9]+|\s+", CORPUS))
    sequences = {word: [alphabet[b] for b in word.encode("utf-8")] for word in words}
    merges = []
    while len(merges) < MERGES:
        pairs = collections.Counter()
        for word, count in words.items():
            symbols = sequences[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in words:
            symbols, merged, i = sequences[word], [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    merged.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            sequences[word] = merged
    return merges


def vocabulary() -> tuple[list[str], list[int], list[str]]:
    """Tokens (bytes, then merge results, then the ChatML special tokens), their types, merges."""
    alphabet = byte_alphabet()
    merges = learn_merges(alphabet)
    tokens = list(alphabet)
    for left, right in merges:
        if left + right not in tokens:
            tokens.append(left + right)
    normal = len(tokens)
    tokens += SPECIAL_TOKENS
    types = [1] * normal + [3] * len(SPECIAL_TOKENS)
    return tokens, types, [f"{left} {right}" for left, right in merges]


# --- weights ------------------------------------------------------------------------------

def random_blocks(rng, rows: int, columns: int, qtype, sigma: float) -> np.ndarray:
    """Random blocks of a K-quant or IQ4_NL type (any bit pattern is a valid encoding), with
    the f16 (super-)block scales chosen so that the weights have a standard deviation near
    `sigma` and a mean near 0 (scale fields jittered per block)."""
    import gguf  # noqa: PLC0415

    block_size, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
    blocks = rows * columns // block_size
    raw = rng.integers(0, 256, size=(blocks, block_bytes), dtype=np.uint8)
    jitter = rng.uniform(0.5, 1.5, size=blocks)

    def put_half(offset: int, values: np.ndarray) -> None:
        raw[:, offset:offset + 2] = values.astype("<f2").view(np.uint8).reshape(blocks, 2)

    T = gguf.GGMLQuantizationType
    if qtype == T.Q4_K:    # d, dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles
        d = sigma / 258 * jitter
        put_half(0, d)
        put_half(2, 7.5 * d)
    elif qtype == T.Q5_K:  # d, dmin, scales, 32 bytes of high bits, 128 bytes of nibbles
        d = sigma / 527 * jitter
        put_half(0, d)
        put_half(2, 15.5 * d)
    elif qtype == T.Q6_K:  # 128 bytes low nibbles, 64 bytes high bits, 16 int8 scales, d
        raw[:, 192:208] = rng.integers(-32, 32, size=(blocks, 16)).astype(np.int8).view(np.uint8)
        put_half(208, sigma / 341.5 * jitter)
    elif qtype == T.IQ4_NL:  # d, 16 bytes of nibbles indexing a table of 16 values in -127...113
        put_half(0, sigma / 66 * jitter)
    else:
        raise ValueError(f"no random block layout for {qtype.name}")
    return raw.reshape(rows, -1)


def encoded(rng, values: np.ndarray, type_name: str, sigma: float):
    """`values` (rows x columns, standard deviation `sigma`) in GGML type `type_name`:
    (array, raw dtype or None). K-quant and IQ4_NL types get random blocks of that deviation
    instead (gguf-py has no encoder for them)."""
    import gguf  # noqa: PLC0415

    T = gguf.GGMLQuantizationType
    qtype = T[type_name]
    if qtype == T.F32:
        return values.astype(np.float32), None
    if qtype == T.F16:
        return values.astype(np.float16), None
    if qtype in (T.Q4_K, T.Q5_K, T.Q6_K, T.IQ4_NL):
        return random_blocks(rng, *values.shape, qtype, sigma), qtype
    return gguf.quants.quantize(values.astype(np.float32), qtype), qtype


def tensors(separate_output: bool, types: dict, vocab_size: int):
    """(name, array, raw dtype, values) of every tensor, in the order llama.cpp's converter
    writes them; `values` are a matrix's float32 weights before encoding (None for vectors).
    Each tensor draws from its own generator (seeded by SEED and its name), so a tensor of the
    same name and type is the same in every file."""
    head_dim = WIDTH // HEADS
    kv_width = KV_HEADS * head_dim

    def rng(name: str):
        return np.random.default_rng([SEED, zlib.crc32(name.encode())])

    def matrix(layer, name: str, rows: int, columns: int, sigma: float | None = None):
        """Weights of deviation `sigma` (default 1/sqrt(columns): a product keeps its input's scale)."""
        full = name if layer is None else f"blk.{layer}.{name}"
        generator = rng(full)
        sigma = sigma or 1 / np.sqrt(columns)
        values = generator.standard_normal((rows, columns)).astype(np.float32) * np.float32(sigma)
        return (full, *encoded(generator, values, types.get((layer, name), "F32"), sigma), values)

    def norm(name: str):
        return name, (1 + 0.1 * rng(name).standard_normal(WIDTH)).astype(np.float32), None, None

    def bias(name: str, count: int):
        return name, (0.5 * rng(name).standard_normal(count)).astype(np.float32), None, None

    # Embedding and output rows of deviation OUTPUT_SIGMA: logits (a normalised residual of
    # norm sqrt(WIDTH) times a row) spread by about OUTPUT_SIGMA * sqrt(WIDTH) = 5, so greedy
    # steps are rarely near-ties, and the blocks' outputs outweigh the token's own embedding.
    out = [matrix(None, "token_embd.weight", vocab_size, WIDTH, sigma=OUTPUT_SIGMA)]
    for layer in range(LAYERS):
        prefix = f"blk.{layer}."
        out += [
            norm(prefix + "attn_norm.weight"),
            matrix(layer, "attn_q.weight", WIDTH, WIDTH),
            bias(prefix + "attn_q.bias", WIDTH),
            matrix(layer, "attn_k.weight", kv_width, WIDTH),
            bias(prefix + "attn_k.bias", kv_width),
            matrix(layer, "attn_v.weight", kv_width, WIDTH),
            bias(prefix + "attn_v.bias", kv_width),
            matrix(layer, "attn_output.weight", WIDTH, WIDTH),
            norm(prefix + "ffn_norm.weight"),
            matrix(layer, "ffn_gate.weight", FEED_FORWARD, WIDTH),
            matrix(layer, "ffn_up.weight", FEED_FORWARD, WIDTH),
            matrix(layer, "ffn_down.weight", WIDTH, FEED_FORWARD),
        ]
    out.append(norm("output_norm.weight"))
    if separate_output:
        out.append(matrix(None, "output.weight", vocab_size, WIDTH, sigma=OUTPUT_SIGMA))
    return out


def write_model(path: pathlib.Path, architecture: str, separate_output: bool, types: dict) -> None:
    import gguf  # noqa: PLC0415

    tokens, token_types, merges = vocabulary()
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name("qwen2-tiny (random weights, lwdata test fixture)")
    writer.add_uint32("qwen2.block_count", LAYERS)
    writer.add_uint32("qwen2.context_length", CONTEXT)
    writer.add_uint32("qwen2.embedding_length", WIDTH)
    writer.add_uint32("qwen2.feed_forward_length", FEED_FORWARD)
    writer.add_uint32("qwen2.attention.head_count", HEADS)
    writer.add_uint32("qwen2.attention.head_count_kv", KV_HEADS)
    writer.add_float32("qwen2.rope.freq_base", ROPE_BASE)
    writer.add_float32("qwen2.attention.layer_norm_rms_epsilon", EPSILON)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_K_M if types else gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(token_types)
    writer.add_token_merges(merges)
    writer.add_eos_token_id(tokens.index("<|im_end|>"))
    writer.add_pad_token_id(tokens.index("<|endoftext|>"))
    writer.add_bos_token_id(tokens.index("<|endoftext|>"))
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)
    for name, array, raw, _ in tensors(separate_output, types, len(tokens)):
        writer.add_tensor(name, array, raw_dtype=raw)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def sha256_of(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_models(folder: pathlib.Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (architecture, separate_output, types) in MODELS.items():
        write_model(folder / name, architecture, separate_output, types)
    return {name: sha256_of(folder / name) for name in MODELS}


def write_dequantized(folder: pathlib.Path) -> None:
    """Next to DEQUANTIZED_MODEL in `folder`: for every tensor gguf-py's quantizer encoded, the
    values it was given and gguf-py's dequantization of the blocks read back from the file."""
    import gguf  # noqa: PLC0415

    _, separate_output, types = MODELS[DEQUANTIZED_MODEL]
    stored = {t.name: t for t in gguf.GGUFReader(str(folder / DEQUANTIZED_MODEL)).tensors}
    for name, _, _, values in tensors(separate_output, types, len(vocabulary()[0])):
        tensor = stored[name]
        if tensor.tensor_type.name not in GGUF_PY_ENCODED:
            continue
        decoded = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
        assert decoded.shape == values.shape, (name, decoded.shape, values.shape)
        values.astype("<f4").tofile(folder / f"{name}.source.f32")
        decoded.astype("<f4").tofile(folder / f"{name}.gguf-py.f32")


# --- reference ----------------------------------------------------------------------------

def render(kind: str, text: str) -> str:
    return f"<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n" if kind == "chat" else text


def dequantized(quantize_bin: pathlib.Path, model: pathlib.Path) -> pathlib.Path:
    target = model.with_name(model.stem + ".F32.gguf")
    result = subprocess.run([str(quantize_bin), "--allow-requantize", str(model), str(target), "F32", str(N_THREADS)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"llama-quantize failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return target


def reference_record(llama_cpp, model: pathlib.Path) -> dict:
    """llama.cpp's tokens, last/middle logits and greedy path for every prompt on `model`."""
    llm = llama_cpp.Llama(model_path=str(model), n_ctx=N_CTX, n_batch=N_CTX, n_ubatch=N_CTX,
                          n_threads=N_THREADS, n_threads_batch=N_THREADS, logits_all=True, flash_attn=False,
                          type_k=llama_cpp.GGML_TYPE_F32, type_v=llama_cpp.GGML_TYPE_F32,
                          n_gpu_layers=0, verbose=False)
    prompts = []
    for name, kind, text in PROMPTS:
        rendered = render(kind, text)
        tokens = llm.tokenize(rendered.encode("utf-8"), add_bos=False, special=True)
        llm.reset()
        llm.eval(tokens)
        logits = np.array(llm.scores[: len(tokens)], dtype=np.float32)
        mid = len(tokens) // 2
        greedy, margins, row = [], [], logits[-1]
        for _ in range(GREEDY_STEPS):
            first, second = (int(i) for i in np.argsort(-row, kind="stable")[:2])
            greedy.append(first)
            margins.append(round(float(row[first] - row[second]), 5))
            llm.eval([first])
            row = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
        prompts.append({
            "name": name, "kind": kind, "user_text": text, "text": rendered, "tokens": tokens,
            "last_logits": [round(float(x), 5) for x in logits[-1]],
            "mid_position": mid,
            "mid_logits": [round(float(x), 5) for x in logits[mid]],
            "greedy": greedy,
            "greedy_margins": margins,
        })
    llm.close()
    return {"prompts": prompts}


def llama_cpp_commit(llama_dir: pathlib.Path) -> str:
    for src in sorted(llama_dir.glob("llama_cpp_python-*/vendor/llama.cpp")):
        out = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.strip()
    return "unknown"


def compact_json(value, indent: int = 0) -> str:
    """JSON with objects indented and lists of numbers kept on one line."""
    pad = " " * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)}: {compact_json(v, indent + 2)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}" if items else "{}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        items = [pad + "  " + compact_json(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models-only", type=pathlib.Path, metavar="DIR", help="only write the GGUF files into DIR")
    p.add_argument("--dequantized", action="store_true",
                   help=f"with --models-only: also write gguf-py's values for {DEQUANTIZED_MODEL}")
    p.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    p.add_argument("--llama-dir", type=pathlib.Path, default=DEFAULT_LLAMA_DIR)
    args = p.parse_args()

    if args.models_only:
        hashes = write_models(args.models_only)
        if args.dequantized:
            write_dequantized(args.models_only)
        print(json.dumps(hashes, indent=2))
        return 0
    if args.dequantized:
        p.error("--dequantized needs --models-only")

    bin_dir = args.llama_dir / "build" / "bin"
    os.environ.setdefault("LLAMA_CPP_LIB_PATH", str(bin_dir))
    import llama_cpp  # noqa: PLC0415 - must follow the environment setup

    with tempfile.TemporaryDirectory() as work:
        folder = pathlib.Path(work)
        hashes = write_models(folder)
        models = {}
        for name in REFERENCE_MODELS:
            path = folder / name
            has_quantized = bool(MODELS[name][2])
            runs_on = dequantized(bin_dir / "llama-quantize", path) if has_quantized else path
            models[name] = {
                "sha256": hashes[name],
                "reference_runs_on": "the same weights dequantized to F32 by llama-quantize" if has_quantized
                                     else "the file itself",
                **reference_record(llama_cpp, runs_on),
            }
    fixture = {
        "schema_version": 1,
        "generator": "scripts/reference/make_qwen2_fixture.py",
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reference": {
            "llama_cpp_commit": llama_cpp_commit(args.llama_dir),
            "llama_cpp_python": llama_cpp.__version__,
            "settings": f"CPU, {N_THREADS} threads, n_ctx {N_CTX}, whole prompt in one batch, KV cache f32, "
                        f"flash attention off; greedy: {GREEDY_STEPS} argmax steps one token per call, not stopping at EOS",
        },
        "sha256": hashes,
        "models": models,
    }
    args.out.write_text(compact_json(fixture) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
