#!/usr/bin/env python3
"""Runs predict-length on the held-out queries of data/length-demand/labelled.jsonl through a real
`lwdata build` (mine -> predict-length, the pipeline's model) and prints the figures of the chosen
bucket and of each signal: exact, within one bucket, long vs short, per-bucket recall, confusion matrix.

usage: scripts/eval_length_demand.py [--out DIR] [--lwdata PATH] [--param key=value ...]
  --param adds predict-length params, e.g. --param weight_model_builtin=1 or --param trust=model.
The model is the pipeline default (built-in backend, the installed default model, or LWDATA_MODEL).
"""
import argparse, glob, json, os, re, shutil, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--out", default="/tmp/lwdata-length-demand-eval")
ap.add_argument("--lwdata", default=os.path.join(root, ".build/debug/lwdata"))
ap.add_argument("--param", action="append", default=[])
args = ap.parse_args()

rows = [json.loads(l) for l in open(os.path.join(root, "data/length-demand/labelled.jsonl"), encoding="utf-8")]
held = [r for r in rows if r["split"] == "heldout"]
os.makedirs(os.path.join(args.out, "prompts"), exist_ok=True)
with open(os.path.join(args.out, "queries.jsonl"), "w", encoding="utf-8") as f:
    for r in held:
        f.write(json.dumps({"prompt": r["query"]}, ensure_ascii=False) + "\n")
for name in ("predict_length_step1.txt", "predict_length_step2.txt"):
    shutil.copy(os.path.join(root, "pipelines/prompts", name), os.path.join(args.out, "prompts", name))
params = {"min_words": "0"}
params.update(p.split("=", 1) for p in args.param)
with open(os.path.join(args.out, "pipeline.yaml"), "w") as f:
    f.write("name: length-demand-eval\ninputs: [queries.jsonl]\nmodel:\n  backend: builtin\nstages:\n  - name: mine\n"
            "  - name: predict-length\n    params: {" + ", ".join(f"{k}: {v}" for k, v in params.items()) + "}\n")
build = subprocess.run([args.lwdata, "build", os.path.join(args.out, "pipeline.yaml"), "--out", os.path.join(args.out, "out")],
                       capture_output=True, text=True)
print(build.stdout[-1500:], build.stderr[-1500:], sep="\n", file=sys.stderr)
if build.returncode != 0:
    sys.exit(build.returncode)

records = {}
for shard in glob.glob(os.path.join(args.out, "out/shards/predict-length/*.jsonl.zst")):
    text = subprocess.run(["zstd", "-dc", shard], capture_output=True, text=True, check=True).stdout
    for line in text.splitlines():
        record = json.loads(line)
        records[re.sub(r"\s+", " ", record["query"]).strip()] = record["length"]
truth = {re.sub(r"\s+", " ", r["query"]).strip(): r["bucket"] for r in held}
levels = [0, 2000, 4000, 8000, 16000]
names = ["<2K", "2K", "4K", "8K", "16K+"]

def figures(title, field):
    pairs = [(truth[q], l[field]) for q, l in records.items() if q in truth and l.get(field) is not None]
    n = len(pairs)
    cm = [[0] * 5 for _ in levels]
    for t, p in pairs:
        cm[levels.index(t)][levels.index(p)] += 1
    exact = sum(t == p for t, p in pairs) / n
    within = sum(abs(levels.index(t) - levels.index(p)) <= 1 for t, p in pairs) / n
    long_short = sum((t > 0) == (p > 0) for t, p in pairs) / n
    print(f"{title}: n {n}  exact {exact:.1%}  within one {within:.1%}  long/short {long_short:.1%}")
    print("truth \\ predicted " + "".join(f"{x:<6}" for x in names) + "  recall")
    for i, row in enumerate(cm):
        print(f"{names[i]:<18}" + "".join(f"{x:<6}" for x in row) + f"  {row[i] / max(sum(row), 1):.1%} of {sum(row)}")
    print()

print(f"{len(records)} records of {len(held)} held-out queries; params {params}")
predictor = next(iter(records.values())).get("predictor", "")
print(f"predictor: {predictor}\n")
figures("chosen bucket", "bucket")
figures("model alone", "model_bucket")
figures("heuristic alone", "heuristic_bucket")
figures("neighbours alone", "neighbours_bucket")
