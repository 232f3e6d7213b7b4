#!/usr/bin/env python3
"""Validate JSONL(.zst) records or YAML pipeline files against a JSON Schema (draft 2020-12).

Usage: validate_records.py SCHEMA FILE...   (FILE: .jsonl, .jsonl.zst, .yaml)
Prints one line per invalid record naming the file and line; exits 1 if any, else prints a count.
"""
import io
import json
import sys

import jsonschema
import yaml
import zstandard


def records(path):
    if path.endswith((".yaml", ".yml")):
        with open(path, encoding="utf-8") as f:
            yield 1, yaml.safe_load(f)
        return
    with open(path, "rb") as raw:
        stream = zstandard.ZstdDecompressor().stream_reader(raw) if path.endswith(".zst") else raw
        for number, line in enumerate(io.TextIOWrapper(stream, encoding="utf-8"), 1):
            if line.strip():
                yield number, json.loads(line)


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    bad = total = 0
    for path in sys.argv[2:]:
        for number, record in records(path):
            total += 1
            for error in validator.iter_errors(record):
                bad += 1
                print(f"{path}:{number}: {'/'.join(map(str, error.path))}: {error.message}")
    print(f"{total} record(s) checked, {bad} problem(s)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
