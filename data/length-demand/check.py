#!/usr/bin/env python3
"""Checks data/length-demand/labelled.jsonl: fields, buckets, unique queries, the hash split; prints the counts.

Split rule: first byte of SHA-256(query as UTF-8) divisible by 3 -> heldout, else train. Exits 1 on a failed check.
"""
import collections, hashlib, json, os, sys

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "labelled.jsonl")
rows, problems = [], []
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        row = json.loads(line)
        rows.append(row)
        if set(row) != {"query", "bucket", "language", "split"}:
            problems.append(f"line {n}: fields {sorted(row)}")
        if row["bucket"] not in (0, 2000, 4000, 8000, 16000):
            problems.append(f"line {n}: bucket {row['bucket']}")
        split = "heldout" if hashlib.sha256(row["query"].encode()).digest()[0] % 3 == 0 else "train"
        if row["split"] != split:
            problems.append(f"line {n}: split {row['split']}, the hash says {split}")
if len({r["query"] for r in rows}) != len(rows):
    problems.append("a query occurs twice")
print(f"{len(rows)} queries")
for key in ("split", "language", "bucket"):
    print(key + ":", dict(sorted(collections.Counter(r[key] for r in rows).items())))
for split in ("train", "heldout"):
    part = [r for r in rows if r["split"] == split]
    print(f"{split} buckets:", dict(sorted(collections.Counter(r["bucket"] for r in part).items())))
for p in problems:
    print("problem:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
