#!/usr/bin/env python3
"""Generate reference logits for the Decoder tests from llama.cpp.

Runs the default model through llama.cpp (via the llama-cpp-python binding loaded
against a locally built libllama) and writes
Tests/DecoderTests/Fixtures/reference_logits.json with, for each prompt: the prompt
tokens, top logits at the last and a middle position, logits at a fixed sample of
vocabulary ids, and a greedy continuation with its top-1/top-2 margins.

Two reference variants are recorded:
  * "llama_cpp"   - the GGUF as llama.cpp runs it: quantized weights, activations
                    quantized to Q8 inside quantized matmuls.
  * "f32_weights" - the same weights dequantized to F32 by llama-quantize, so every
                    matmul is f32 x f32: the answer an exact-f32 implementation should give.
It also records how far apart llama.cpp settings are ("deviations"), which is the
evidence for the tolerances suggested in Fixtures/README.md.

See scripts/reference/README.md for how to obtain and build llama.cpp here.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import pathlib
import subprocess
import sys

DEFAULT_LLAMA_DIR = pathlib.Path("/work/dev/llama.cpp")
REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_MODEL = (
    pathlib.Path(
        os.environ.get("LWDATA_CACHE")
        or pathlib.Path(os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache") / "lwdata"
    )
    / "models"
    / "SmolLM2-135M-Instruct.Q4_1.gguf"
)
DEFAULT_OUT = REPO_ROOT / "Tests/DecoderTests/Fixtures/reference_logits.json"

# (name, kind, text). "chat" texts are one user message rendered with the model's template.
PROMPTS = [
    ("capital_of_france", "chat", "What is the capital of France?"),
    ("sea_poem", "chat", "Write a short poem about the sea."),
    ("great_wall_zh", "chat", "写一段关于长城的介绍。"),
    ("hash_table", "chat", "Explain how a hash table works, in detail."),
    ("quick_brown_fox", "raw", "The quick brown fox"),
]

N_CTX = 512
N_BATCH = 512
N_THREADS = 2
TOP_LAST = 64
TOP_MID = 16
SAMPLE_COUNT = 512
SAMPLE_SEED = 20260101
GREEDY_STEPS = 64


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=pathlib.Path, default=pathlib.Path(os.environ.get("LWDATA_MODEL") or DEFAULT_MODEL))
    p.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    p.add_argument("--llama-dir", type=pathlib.Path, default=DEFAULT_LLAMA_DIR,
                   help="folder holding the llama.cpp build (build/bin) and the unpacked sdist")
    p.add_argument("--work-dir", type=pathlib.Path, default=None,
                   help="where the dequantized F32 model is written (default: <llama-dir>/models)")
    return p.parse_args()


def load_binding(lib_dir: pathlib.Path):
    """Import llama_cpp against the locally built shared libraries."""
    os.environ.setdefault("LLAMA_CPP_LIB_PATH", str(lib_dir))
    import llama_cpp  # noqa: PLC0415 - must follow the environment setup

    return llama_cpp


def sha256_of(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def llama_cpp_commit(llama_dir: pathlib.Path) -> str:
    """The vendored llama.cpp commit (the sdist keeps the submodule's git metadata)."""
    for src in sorted(llama_dir.glob("llama_cpp_python-*/vendor/llama.cpp")):
        out = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.strip()
    return "unknown"


def dequantized_model(quantize_bin: pathlib.Path, model: pathlib.Path, work_dir: pathlib.Path) -> pathlib.Path:
    """Write (once) a copy of the model with every tensor dequantized to F32."""
    target = work_dir / (model.stem + ".F32.gguf")
    if target.exists():
        return target
    work_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    result = subprocess.run([str(quantize_bin), "--allow-requantize", str(model), str(partial), "F32", str(N_THREADS)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"llama-quantize failed ({result.returncode}):\n{result.stderr[-4000:]}")
    partial.rename(target)
    return target


def render_chat(template: str, user_text: str) -> str:
    import jinja2  # noqa: PLC0415

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return env.from_string(template).render(
        messages=[{"role": "user", "content": user_text}], add_generation_prompt=True
    )


def prompt_record(llm, template: str, add_bos: bool, name: str, kind: str, user_text: str) -> dict:
    """The prompt as text and as llama.cpp tokens (special tokens parsed, BOS per the model)."""
    text = render_chat(template, user_text) if kind == "chat" else user_text
    return {
        "name": name,
        "kind": kind,
        "messages": [{"role": "user", "content": user_text}] if kind == "chat" else None,
        "text": text,
        "bos_added": add_bos,
        "tokens": llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True),
    }


class Runner:
    """One llama.cpp context over one model file, logits kept for every position."""

    def __init__(self, llama_cpp, model: pathlib.Path, *, kv_type: int, threads: int = N_THREADS, n_batch: int = N_BATCH):
        import numpy as np  # noqa: PLC0415

        self.np = np
        self.llm = llama_cpp.Llama(
            model_path=str(model), n_ctx=N_CTX, n_batch=n_batch, n_ubatch=n_batch,
            n_threads=threads, n_threads_batch=threads, logits_all=True, flash_attn=False,
            type_k=kv_type, type_v=kv_type, n_gpu_layers=0, verbose=False,
        )

    def close(self) -> None:
        self.llm.close()

    def prompt_logits(self, tokens: list[int]):
        """Logits (n_tokens x n_vocab, float32) for every prompt position, from a fresh cache."""
        self.llm.reset()
        self.llm.eval(tokens)
        return self.np.array(self.llm.scores[: len(tokens)], dtype=self.np.float32)

    def greedy(self, tokens: list[int], steps: int) -> dict:
        """Argmax continuation, not stopping at EOS; per step the chosen id and its logit,
        the runner-up id, and the top-1 minus top-2 margin."""
        np = self.np
        logits = self.prompt_logits(tokens)[-1]
        path = {"greedy": [], "greedy_logits": [], "greedy_runner_up": [], "greedy_margins": []}
        for _ in range(steps):
            first, second = (int(i) for i in np.argsort(-logits, kind="stable")[:2])
            path["greedy"].append(first)
            path["greedy_logits"].append(round(float(logits[first]), 5))
            path["greedy_runner_up"].append(second)
            path["greedy_margins"].append(round(float(logits[first] - logits[second]), 5))
            self.llm.eval([first])
            logits = np.array(self.llm.scores[self.llm.n_tokens - 1], dtype=np.float32)
        return path


def top_k(np, row, k: int) -> dict:
    ids = np.argsort(-row, kind="stable")[:k]
    return {"ids": [int(i) for i in ids], "logits": [round(float(row[i]), 5) for i in ids]}


def variant_record(np, runner: Runner, tokens: list[int], sample_ids, eos_id: int) -> dict:
    logits = runner.prompt_logits(tokens)
    mid = len(tokens) // 2
    path = runner.greedy(tokens, GREEDY_STEPS)
    greedy = path["greedy"]
    return {
        "last_logits_top": top_k(np, logits[-1], TOP_LAST),
        "last_logits_sample": [round(float(logits[-1][i]), 5) for i in sample_ids],
        "mid_logits_top": {"position": mid, **top_k(np, logits[mid], TOP_MID)},
        **path,
        "greedy_first_eos_index": greedy.index(eos_id) if eos_id in greedy else None,
    }


def deviation(np, a, b) -> dict:
    """Spread between two logit matrices over every prompt position and the whole vocabulary."""
    signed = a.astype(np.float64) - b.astype(np.float64)
    diff = np.abs(signed)
    # A shift shared by the whole row does not change probabilities: also report without it.
    centered = np.abs(signed - signed.mean(axis=1, keepdims=True))
    return {
        "max_abs": round(float(diff.max()), 6),
        "mean_abs": round(float(diff.mean()), 6),
        "p99_abs": round(float(np.percentile(diff, 99)), 6),
        "max_abs_row_centered": round(float(centered.max()), 6),
        "mean_abs_row_centered": round(float(centered.mean()), 6),
        "argmax_agreement": round(float((a.argmax(axis=1) == b.argmax(axis=1)).mean()), 4),
    }


def measure_deviations(np, llama_cpp, model, f32_model, token_lists) -> dict:
    """Compare llama.cpp settings against the primary one, over all prompts and positions."""
    f32 = llama_cpp.GGML_TYPE_F32
    f16 = llama_cpp.GGML_TYPE_F16

    def all_logits(path, **kw):
        runner = Runner(llama_cpp, path, **kw)
        rows = np.concatenate([runner.prompt_logits(t) for t in token_lists])
        runner.close()
        return rows

    def token_by_token(path):
        runner = Runner(llama_cpp, path, kv_type=f32, n_batch=1)
        rows = np.concatenate([runner.prompt_logits(t) for t in token_lists])
        runner.close()
        return rows

    primary = all_logits(model, kv_type=f32)
    exact = all_logits(f32_model, kv_type=f32)
    spread = {
        "same_settings_rerun": deviation(np, primary, all_logits(model, kv_type=f32)),
        "one_thread_vs_two": deviation(np, primary, all_logits(model, kv_type=f32, threads=1)),
        "token_by_token_vs_one_batch": deviation(np, primary, token_by_token(model)),
        "kv_cache_f16_vs_f32": deviation(np, primary, all_logits(model, kv_type=f16)),
        "q8_activations_vs_f32_weights": deviation(np, primary, exact),
        "f32_weights_token_by_token_vs_one_batch": deviation(np, exact, token_by_token(f32_model)),
        "f32_weights_kv_cache_f16_vs_f32": deviation(np, exact, all_logits(f32_model, kv_type=f16)),
    }
    spread["positions_compared"] = int(primary.shape[0])
    return spread


def compact_json(value, indent: int = 0) -> str:
    """JSON with objects indented and lists of numbers kept on one line."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)}: {compact_json(v, indent + 2)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        items = [pad + "  " + compact_json(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def main() -> int:
    args = parse_args()
    bin_dir = args.llama_dir / "build" / "bin"
    llama_cpp = load_binding(bin_dir)
    import numpy as np  # noqa: PLC0415

    f32_model = dequantized_model(bin_dir / "llama-quantize", args.model, args.work_dir or args.llama_dir / "models")
    f32_kv = llama_cpp.GGML_TYPE_F32

    primary = Runner(llama_cpp, args.model, kv_type=f32_kv)
    llm = primary.llm
    add_bos = bool(llama_cpp.llama_vocab_get_add_bos(llama_cpp.llama_model_get_vocab(llm.model)))
    bos_id, eos_id = llm.token_bos(), llm.token_eos()
    n_vocab = llm.n_vocab()
    template = llm.metadata["tokenizer.chat_template"]
    sample_ids = sorted(int(i) for i in np.random.default_rng(SAMPLE_SEED).choice(n_vocab, SAMPLE_COUNT, replace=False))

    prompts = [prompt_record(llm, template, add_bos, *prompt) for prompt in PROMPTS]
    for record in prompts:
        record.update(variant_record(np, primary, record["tokens"], sample_ids, eos_id))
    primary.close()

    exact = Runner(llama_cpp, f32_model, kv_type=f32_kv)
    for record in prompts:
        record["f32_weights"] = variant_record(np, exact, record["tokens"], sample_ids, eos_id)
    exact.close()

    fixture = {
        "schema_version": 1,
        "generator": "scripts/reference/make_decoder_fixtures.py",
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reference": {
            "llama_cpp_commit": llama_cpp_commit(args.llama_dir),
            "llama_cpp_python": llama_cpp.__version__,
            "system_info": llama_cpp.llama_print_system_info().decode().strip(),
        },
        "model": {
            "file": args.model.name,
            "sha256": sha256_of(args.model),
            "n_vocab": n_vocab,
            "add_bos": add_bos,
            "bos_id": bos_id,
            "eos_id": eos_id,
            "f32_weights_file": f32_model.name,
        },
        "settings": {
            "n_threads": N_THREADS,
            "n_ctx": N_CTX,
            "n_batch": N_BATCH,
            "n_ubatch": N_BATCH,
            "kv_cache_type": "f32",
            "flash_attn": False,
            "backend": "CPU",
            "prompt_eval": "whole prompt in one batch from an empty cache; logits read at every position",
            "greedy": f"{GREEDY_STEPS} argmax steps, one token per decode call; does not stop at EOS",
            "greedy_step": "greedy[i] is the argmax after prompt + greedy[:i]; greedy_logits[i] its logit, "
                           "greedy_runner_up[i] the second id, greedy_margins[i] top-1 minus top-2 logit",
            "logit_rounding": "5 decimals",
            "sample_ids_seed": SAMPLE_SEED,
        },
        "variants": {
            "top_level": "llama.cpp on the quantized GGUF (activations quantized to Q8 inside quantized matmuls)",
            "f32_weights": "llama.cpp on the same weights dequantized to F32 with llama-quantize (all matmuls f32)",
        },
        "sample_ids": sample_ids,
        "deviations": measure_deviations(np, llama_cpp, args.model, f32_model, [p["tokens"] for p in prompts]),
        "prompts": prompts,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(compact_json(fixture) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
