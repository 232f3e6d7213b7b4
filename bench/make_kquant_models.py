#!/usr/bin/env python3
"""Random-weight Qwen2 GGUF files with the shapes of real models, quantized by llama.cpp.

No model is downloaded: the weights are random (so the text is garbage, but the work per token
and the memory are those of the real model) and the tokenizer is the small byte-level BPE of
scripts/reference/make_qwen2_fixture.py, padded with unused control tokens to the real
vocabulary size of 151,936. The script writes an F16 file per shape, then runs llama.cpp's
`llama-quantize` on it for each requested type (Q4_K_M, Q6_K, ...):

  python3 bench/make_kquant_models.py --out /work/dev/kquant [--shapes 0.5b,1.5b] [--types Q4_K_M,Q6_K]

Files: <out>/qwen2-<shape>-f16.gguf and <out>/qwen2-<shape>-<type>.gguf. Needs numpy and gguf
(`pip install gguf==0.19.0 numpy`). Output is the same bytes on every run (fixed seeds).
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import zlib

import numpy as np

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts/reference"))
import make_qwen2_fixture as tiny  # noqa: E402  the tokenizer, chat template and norms

VOCAB = 151_936
SEED = 20261204
# Qwen2.5-0.5B and -1.5B: layers, width, heads, key/value heads, feed-forward width, context.
SHAPES = {
    "0.5b": dict(layers=24, width=896, heads=14, kv_heads=2, ffn=4864, context=32768),
    "1.5b": dict(layers=28, width=1536, heads=12, kv_heads=2, ffn=8960, context=32768),
}
DEFAULT_QUANTIZE = pathlib.Path("/work/tools/llama.cpp/build/bin/llama-quantize")


def vocabulary():
    """The fixture's tokens and merges, padded to VOCAB with control tokens no text produces."""
    tokens, types, merges = tiny.vocabulary()
    padding = VOCAB - len(tokens)
    tokens = tokens + [f"<|unused_{i}|>" for i in range(padding)]
    types = types + [3] * padding
    return tokens, types, merges


def tensor_list(shape: dict):
    """(name, rows, columns or None for a vector, kind) in llama.cpp's converter order; tied output."""
    w, f, head = shape["width"], shape["ffn"], shape["width"] // shape["heads"]
    kv = shape["kv_heads"] * head
    out = [("token_embd.weight", VOCAB, w, "embedding")]
    for layer in range(shape["layers"]):
        p = f"blk.{layer}."
        out += [(p + "attn_norm.weight", w, None, "norm"),
                (p + "attn_q.weight", w, w, "matrix"), (p + "attn_q.bias", w, None, "bias"),
                (p + "attn_k.weight", kv, w, "matrix"), (p + "attn_k.bias", kv, None, "bias"),
                (p + "attn_v.weight", kv, w, "matrix"), (p + "attn_v.bias", kv, None, "bias"),
                (p + "attn_output.weight", w, w, "matrix"),
                (p + "ffn_norm.weight", w, None, "norm"),
                (p + "ffn_gate.weight", f, w, "matrix"), (p + "ffn_up.weight", f, w, "matrix"),
                (p + "ffn_down.weight", w, f, "matrix")]
    out.append(("output_norm.weight", w, None, "norm"))
    return out


def values(name: str, rows: int, columns: int | None, kind: str) -> np.ndarray:
    """Random weights: matrices of deviation 1/sqrt(columns), the embedding 0.05, norms near 1."""
    rng = np.random.default_rng([SEED, zlib.crc32(name.encode())])
    if kind == "norm":
        return (1 + 0.1 * rng.standard_normal(rows, dtype=np.float32)).astype(np.float32)
    if kind == "bias":
        return (0.5 * rng.standard_normal(rows, dtype=np.float32)).astype(np.float32)
    sigma = 0.05 if kind == "embedding" else 1 / np.sqrt(columns)
    return (rng.standard_normal((rows, columns), dtype=np.float32) * np.float32(sigma)).astype(np.float16)


def write_f16(path: pathlib.Path, label: str, shape: dict) -> None:
    """The model with F16 matrices and F32 vectors, written one tensor at a time."""
    import gguf  # noqa: PLC0415

    tokens, token_types, merges = vocabulary()
    writer = gguf.GGUFWriter(str(path), "qwen2")
    writer.add_name(f"qwen2-{label} (random weights, lwdata benchmark)")
    writer.add_uint32("qwen2.block_count", shape["layers"])
    writer.add_uint32("qwen2.context_length", shape["context"])
    writer.add_uint32("qwen2.embedding_length", shape["width"])
    writer.add_uint32("qwen2.feed_forward_length", shape["ffn"])
    writer.add_uint32("qwen2.attention.head_count", shape["heads"])
    writer.add_uint32("qwen2.attention.head_count_kv", shape["kv_heads"])
    writer.add_float32("qwen2.rope.freq_base", tiny.ROPE_BASE)
    writer.add_float32("qwen2.attention.layer_norm_rms_epsilon", tiny.EPSILON)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(token_types)
    writer.add_token_merges(merges)
    writer.add_eos_token_id(tokens.index("<|im_end|>"))
    writer.add_pad_token_id(tokens.index("<|endoftext|>"))
    writer.add_bos_token_id(tokens.index("<|endoftext|>"))
    writer.add_add_bos_token(False)
    writer.add_chat_template(tiny.CHAT_TEMPLATE)
    tensors = tensor_list(shape)
    for name, rows, columns, kind in tensors:
        dims = (rows,) if columns is None else (rows, columns)
        dtype = np.float32 if columns is None else np.float16
        writer.add_tensor_info(name, dims, np.dtype(dtype), int(np.prod(dims)) * np.dtype(dtype).itemsize)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for name, rows, columns, kind in tensors:
        writer.write_tensor_data(values(name, rows, columns, kind))
    writer.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=pathlib.Path, required=True)
    p.add_argument("--shapes", default="0.5b,1.5b")
    p.add_argument("--types", default="Q4_K_M,Q6_K")
    p.add_argument("--quantize", type=pathlib.Path, default=DEFAULT_QUANTIZE, help="llama-quantize binary")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for label in args.shapes.split(","):
        f16 = args.out / f"qwen2-{label}-f16.gguf"
        if not f16.exists():
            print(f"writing {f16}", flush=True)
            write_f16(f16.with_suffix(".partial"), label, SHAPES[label])
            f16.with_suffix(".partial").rename(f16)
        for qtype in filter(None, args.types.split(",")):
            target = args.out / f"qwen2-{label}-{qtype.lower()}.gguf"
            if not target.exists():
                print(f"quantizing {target}", flush=True)
                done = subprocess.run([str(args.quantize), str(f16), str(target), qtype, "2"], capture_output=True, text=True)
                if done.returncode != 0:
                    sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
                    return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
