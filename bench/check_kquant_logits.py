#!/usr/bin/env python3
"""Our logits against llama.cpp's on a model file no test fixture covers (the random-weight
K-quant files of bench/make_kquant_models.py), the int8 path against llama.cpp's own
quantized-activation run, and with --exact our exact-f32 path too.

    LLAMA_CPP_LIB_PATH=/work/tools/llama.cpp/build/bin \\
      bench/check_kquant_logits.py --lwdata .build/release/lwdata --model /work/dev/kquant/qwen2-0.5b-q4_k_m.gguf

Prints, per position of a fixed 48-token sequence, the largest |Δlogit| over the whole
vocabulary, the same after removing the row's mean difference, the mean |Δ| and whether the
argmax agrees, against the tolerances of the int8 reference test (ReferenceTests: ≤ 3.0, ≤ 2.0
after the shift, mean ≤ 0.4, argmax where llama.cpp's margin exceeds 1.0); exit status 1 if any
is exceeded. Needs the llama-cpp-python binding against the local build (scripts/reference/README.md).
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

# Byte tokens and merges of the fixture tokenizer (a fixed sequence; the weights are random anyway).
TOKENS = [72, 101, 108, 108, 111, 256, 257, 260, 300, 12, 87, 44, 330, 301, 263, 98,
          33, 270, 281, 290, 15, 16, 17, 400, 401, 402, 77, 66, 55, 44, 33, 22,
          258, 259, 261, 262, 264, 265, 266, 267, 268, 269, 271, 272, 273, 274, 275, 276]


def llama_cpp_logits(model: str, tokens: list[int], threads: int) -> np.ndarray:
    import llama_cpp  # noqa: PLC0415

    llm = llama_cpp.Llama(model_path=model, n_ctx=256, n_batch=256, n_ubatch=256, n_threads=threads,
                          n_threads_batch=threads, logits_all=True, n_gpu_layers=0, verbose=False)
    llm.eval(tokens)
    logits = np.array(llm.scores[: len(tokens)], dtype=np.float32)
    llm.close()
    return logits


def our_logits(lwdata: str, model: str, tokens: list[int], exact: bool) -> tuple[np.ndarray, str]:
    with tempfile.TemporaryDirectory() as folder:
        out = pathlib.Path(folder) / "logits.json"
        command = [lwdata, "bench", "logits", "--model", model, "--tokens", ",".join(map(str, tokens)), "--json", str(out)]
        subprocess.run(command + (["--exact"] if exact else []), check=True)
        report = json.loads(out.read_text())
        return np.array(report["logits"], dtype=np.float32), report["kernels"]


def compare(ours: np.ndarray, reference: np.ndarray) -> tuple[dict, bool]:
    worst, worst_shifted, mean, agree, required_agree, ok = 0.0, 0.0, 0.0, 0, 0, True
    for row, ref in zip(ours, reference):
        diff = row.astype(np.float64) - ref
        shifted = diff - diff.mean()
        worst, worst_shifted = max(worst, float(np.abs(diff).max())), max(worst_shifted, float(np.abs(shifted).max()))
        mean = max(mean, float(np.abs(shifted).mean()))
        top = np.argsort(-ref, kind="stable")[:2]
        same = int(np.argmax(row)) == int(top[0])
        agree += same
        if ref[top[0]] - ref[top[1]] > 1.0:
            required_agree += 1
            ok &= same
    ok &= worst <= 3.0 and worst_shifted <= 2.0 and mean <= 0.4
    spread = float(np.std(reference))
    return {"max_abs": round(worst, 4), "max_abs_shifted": round(worst_shifted, 4), "worst_row_mean_abs": round(mean, 4),
            "argmax_agree": f"{agree}/{len(reference)}", "logit_std": round(spread, 3)}, ok


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lwdata", default=".build/release/lwdata")
    p.add_argument("--model", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--exact", action="store_true", help="also compare our exact-f32 path")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args()
    reference = llama_cpp_logits(args.model, TOKENS, args.threads)
    results, ok = {}, True
    for exact in ([False, True] if args.exact else [False]):
        ours, kernels = our_logits(args.lwdata, args.model, TOKENS, exact)
        figures, passed = compare(ours, reference)
        figures["kernels"] = kernels
        results["exact" if exact else "int8"] = figures
        ok &= passed or exact  # the exact path is reported; llama.cpp itself quantizes activations
        print(("exact" if exact else "int8") + ": " + json.dumps(figures) + ("" if passed else "  OUTSIDE TOLERANCE"))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"model": args.model, "tokens": TOKENS, **results}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
