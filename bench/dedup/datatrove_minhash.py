#!/usr/bin/env python3
"""Run datatrove's MinHash deduplication (its four stages, as in its minhash example) on a corpus
written by `lwdata bench dedup`, on one core, and write the line numbers of the removed documents.

Usage: datatrove_minhash.py CORPUS.jsonl WORKDIR [--permutations 112] [--bands 14] [--shingle 5]
                             [--tokenizer spacy|whitespace]
`spacy` is datatrove's default English word tokenizer; `whitespace` splits on spaces (enough for the
synthetic corpus) and shows datatrove's speed without its tokenizer.
Prints one JSON object: seconds per stage and in total, removed count, the removed-lines file.
"""
import argparse
import json
import os
import shutil
import struct
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.typeshelper import Languages
from datatrove.utils.word_tokenizers import WordTokenizer


class WhitespaceTokenizer(WordTokenizer):
    """Splits on whitespace (the synthetic corpus has nothing else between words)."""

    def word_tokenize(self, text):
        return text.split()

    def sent_tokenize(self, text):
        return [text]

    def span_tokenize(self, text):
        raise NotImplementedError


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("workdir")
    parser.add_argument("--permutations", type=int, default=112)
    parser.add_argument("--bands", type=int, default=14)
    parser.add_argument("--shingle", type=int, default=5)
    parser.add_argument("--tokenizer", choices=["spacy", "whitespace"], default="spacy")
    args = parser.parse_args()
    if args.permutations % args.bands:
        sys.exit("bands must divide permutations")

    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    folder, name = os.path.split(os.path.abspath(args.corpus))
    config = MinhashConfig(hash_config=HashConfig(precision=64), num_buckets=args.bands,
                           hashes_per_bucket=args.permutations // args.bands, n_grams=args.shingle, seed=1)

    def reader():
        return JsonlReader(folder, glob_pattern=name, text_key="text", id_key="id")

    stages = [
        ("signatures", [reader(), MinhashDedupSignature(output_folder=f"{work}/signatures", config=config,
                                                        language=Languages.english if args.tokenizer == "spacy"
                                                        else WhitespaceTokenizer())], 1),
        ("buckets", [MinhashDedupBuckets(input_folder=f"{work}/signatures", output_folder=f"{work}/buckets",
                                         config=config)], args.bands),
        ("clusters", [MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove_ids",
                                          config=config)], 1),
        ("filter", [reader(), MinhashDedupFilter(input_folder=f"{work}/remove_ids",
                                                 exclusion_writer=JsonlWriter(f"{work}/removed"))], 1),
    ]
    seconds = {}
    for stage, pipeline, tasks in stages:
        start = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=f"{work}/logs/{stage}").run()
        seconds[stage] = time.perf_counter() - start

    removed = []
    with open(f"{work}/remove_ids/000000.remove", "rb") as f:
        while chunk := f.read(4):
            removed.append(struct.unpack("<I", chunk)[0])
    removed_file = f"{work}/removed-lines.txt"
    with open(removed_file, "w") as out:
        out.write("\n".join(map(str, sorted(removed))))
    print(json.dumps({"seconds": sum(seconds.values()), "stages": seconds, "tokenizer": args.tokenizer, "removed": len(removed),
                      "removed_file": removed_file}))


if __name__ == "__main__":
    main()
