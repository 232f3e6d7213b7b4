#!/usr/bin/env python3
"""Runs llama.cpp's llama-bench and llama-batched-bench and `lwdata bench decode` on the same
model file and thread count, one after the other, and prints the figures side by side with
their ratios (ours / llama.cpp) beside the targets of the decoder issue; writes them as JSON.

Run it on a quiet machine (`uptime`: 1-minute load well below 1): with 2 cores, one busy
neighbour makes llama.cpp's spinning threads wait on each other and its figures collapse.

    bench/compare_llamacpp.py --lwdata .build/release/lwdata --llama-bin /work/dev/llama.cpp/build/bin \
        --json compare.json
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

BATCH_SIZES = [1, 2, 4, 8, 16, 32]


def default_model() -> str:
    cache = os.environ.get("LWDATA_CACHE") or str(
        pathlib.Path(os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache") / "lwdata")
    return os.environ.get("LWDATA_MODEL") or str(pathlib.Path(cache) / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf")


def run(command: list[str]) -> str:
    print("$", " ".join(command), file=sys.stderr, flush=True)
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def llama_cpp(binaries: pathlib.Path, model: str, threads: int, repetitions: int) -> dict:
    single = json.loads(run([str(binaries / "llama-bench"), "-m", model, "-p", "512", "-n", "128", "-t", str(threads),
                             "-r", str(repetitions), "-o", "json"]))
    pp = next(r["avg_ts"] for r in single if r["n_prompt"] == 512 and r["n_gen"] == 0)
    tg = next(r["avg_ts"] for r in single if r["n_prompt"] == 0 and r["n_gen"] == 128)
    lines = run([str(binaries / "llama-batched-bench"), "-m", model, "-c", "16384", "-b", "2048", "-ub", "512",
                 "-npp", "128", "-ntg", "128", "-npl", ",".join(map(str, BATCH_SIZES)), "-t", str(threads),
                 "--output-format", "jsonl"])
    batched = [json.loads(l) for l in lines.splitlines() if l.startswith("{")]
    return {"pp512_tokens_per_s": pp, "tg128_tokens_per_s": tg,
            "batched": [{"sequences": b["pl"], "tokens_per_s": b["speed_tg"], "prompt_tokens_per_s": b["speed_pp"]}
                        for b in batched]}


def ours(lwdata: str, model: str, threads: int, repetitions: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = pathlib.Path(folder) / "decode.json"
        env = dict(os.environ, LWDATA_THREADS=str(threads))
        print("$ LWDATA_THREADS=%d %s bench decode" % (threads, lwdata), file=sys.stderr, flush=True)
        subprocess.run([lwdata, "bench", "decode", "--model", model, "--repetitions", str(repetitions),
                        "--json", str(out)], check=True, env=env, stdout=sys.stderr)
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lwdata", default=".build/release/lwdata")
    parser.add_argument("--llama-bin", default="/work/dev/llama.cpp/build/bin")
    parser.add_argument("--model", default=default_model())
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--json", help="write both sets of figures and the ratios here")
    args = parser.parse_args()

    reference = llama_cpp(pathlib.Path(args.llama_bin), args.model, args.threads, args.repetitions)
    mine = ours(args.lwdata, args.model, args.threads, args.repetitions)
    single = mine["tg128_tokens_per_s"]

    rows = [("pp512 tokens/s", mine["pp512_tokens_per_s"], reference["pp512_tokens_per_s"], "≥ 0.8× llama.cpp"),
            ("tg128 tokens/s", mine["tg128_tokens_per_s"], reference["tg128_tokens_per_s"], "≥ 1.0× llama.cpp")]
    theirs_batched = {b["sequences"]: b for b in reference["batched"]}
    for b in mine["batched"]:
        other = theirs_batched.get(b["sequences"])
        if other:
            target = "≥ llama.cpp and ≥ 4× our 1-sequence" if b["sequences"] == 16 else ""
            rows.append((f"decode, {b['sequences']} sequences", b["tokens_per_s"], other["tokens_per_s"], target))
    print(f"{'figure':<26}{'lwdata':>10}{'llama.cpp':>11}{'ratio':>8}  target")
    for name, a, b, target in rows:
        print(f"{name:<26}{a:>10.1f}{b:>11.1f}{a / b:>7.2f}×  {target}")
    b16 = next((b["tokens_per_s"] for b in mine["batched"] if b["sequences"] == 16), None)
    if b16:
        print(f"{'16 sequences vs our tg128':<26}{b16 / single:>10.2f}×{'':>19}  ≥ 4×")
    budget = mine["model_bytes"] + mine["kv_cache_bytes"] + 100 * 1024 * 1024
    print(f"peak RSS {mine['peak_rss_bytes'] / 1e6:.1f} MB; model file + largest KV cache + 100 MB = {budget / 1e6:.1f} MB")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({
            "lwdata": mine, "llama_cpp": reference,
            "ratios": {name: a / b for name, a, b, _ in rows},
            "batched16_over_single": b16 / single if b16 else None,
            "memory_budget_bytes": budget}, indent=2))


if __name__ == "__main__":
    main()
