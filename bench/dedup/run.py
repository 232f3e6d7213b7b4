#!/usr/bin/env python3
"""lwdata's MinHash-LSH near-duplicate detection beside datatrove's on the same synthetic corpus.

Usage: bench/dedup/run.py [--lwdata .build/release/lwdata] [--documents 100000] [--workdir DIR] [--python PY]
                          [--tokenizer spacy|whitespace] [--skip-datatrove] [--out results.json]

1. `lwdata bench dedup` writes the corpus (planted near-duplicates and hard negatives, ground-truth
   clusters in each line) and measures itself: documents/s, MB/s, peak RSS, removed lines.
2. datatrove_minhash.py runs datatrove (pip install datatrove spacy xxhash) with the same shingle
   size, permutations and bands, in a child process whose peak RSS is read with getrusage.
3. Both removal lists are scored here with the same rule: in a planted cluster of size s, up to
   s − 1 removals are right, anything else is a false positive.
Writes the figures, the ratios and the targets (≥ 5× datatrove's throughput, recall within one
point, < 2 GB peak at 1M documents) as JSON.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def score(corpus, removed_file):
    clusters = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            clusters.append(json.loads(line)["cluster"])
    with open(removed_file) as f:
        removed = [int(x) for x in f.read().split()]
    size, removed_in = {}, {}
    for c in clusters:
        size[c] = size.get(c, 0) + 1
    for d in removed:
        removed_in[clusters[d]] = removed_in.get(clusters[d], 0) + 1
    correct = sum(min(n, size[c] - 1) for c, n in removed_in.items())
    duplicates = sum(s - 1 for s in size.values())
    return {"removed": len(removed), "precision": correct / len(removed) if removed else 1.0,
            "recall": correct / duplicates if duplicates else 1.0}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lwdata", default=os.path.join(HERE, "../../.build/release/lwdata"))
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--workdir", default="/tmp/lwdata-bench-dedup")
    parser.add_argument("--python", default=sys.executable, help="interpreter with datatrove installed")
    parser.add_argument("--permutations", type=int, default=112)
    parser.add_argument("--bands", type=int, default=14)
    parser.add_argument("--shingle", type=int, default=5)
    parser.add_argument("--tokenizer", choices=["spacy", "whitespace"], default="spacy",
                        help="datatrove's word tokenizer (spacy: its default for English)")
    parser.add_argument("--skip-datatrove", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    ours_json = os.path.join(args.workdir, f"lwdata-{args.documents}.json")
    subprocess.run([args.lwdata, "bench", "dedup", "--documents", str(args.documents), "--corpus", args.workdir,
                    "--permutations", str(args.permutations), "--bands", str(args.bands),
                    "--shingle-size", str(args.shingle), "--json", ours_json], check=True)
    ours = json.load(open(ours_json))
    corpus = ours["corpus_file"]
    ours.update(score(corpus, ours["removed_file"]))
    results = {"documents": args.documents, "corpus_mb": ours["corpus_mb"], "lwdata": ours,
               "settings": ours["settings"], "machine": {"cpus": os.cpu_count(), "load_1min_before": os.getloadavg()[0]}}

    if not args.skip_datatrove:
        start = time.perf_counter()
        done = subprocess.run([args.python, os.path.join(HERE, "datatrove_minhash.py"), corpus,
                               os.path.join(args.workdir, "datatrove"), "--permutations", str(args.permutations),
                               "--bands", str(args.bands), "--shingle", str(args.shingle), "--tokenizer", args.tokenizer],
                              check=True, capture_output=True, text=True)
        wall = time.perf_counter() - start
        theirs = json.loads(done.stdout.strip().splitlines()[-1])
        theirs["wall_seconds_with_startup"] = wall
        theirs["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        theirs["docs_per_s"] = args.documents / theirs["seconds"]
        theirs["mb_per_s"] = ours["corpus_mb"] / theirs["seconds"]
        theirs.update(score(corpus, theirs["removed_file"]))
        results["datatrove"] = theirs
        results["throughput_ratio"] = ours["docs_per_s"] / theirs["docs_per_s"]
        results["recall_difference_points"] = 100 * (ours["recall"] - theirs["recall"])
        results["targets"] = {
            "throughput_at_least_5x": results["throughput_ratio"] >= 5,
            "recall_within_1_point": results["recall_difference_points"] >= -1,
            "peak_under_2gb_at_1m_documents": ours["peak_rss_mb_at_1m_documents"] < 2048,
        }
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
