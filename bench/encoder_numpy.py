#!/usr/bin/env python3
"""all-MiniLM-L6-v2 forward in numpy (float32, matrix products through numpy's BLAS), the
baseline `lwdata bench encode` compares the built-in encoder with.

As a script: encoder_numpy.py ENCODER_DIR TOKENS_JSON — reads {"batches": [[[ids…]…]…]}
(the same token sequences the Swift bench encodes), runs the forward over the first batch as warm-up, then over all batches twice, and prints the faster pass as {"seconds": …, "sentences": …}.
Set OPENBLAS_NUM_THREADS (the bench does) before numpy is imported to choose its threads.
"""
import json
import math
import struct
import sys
import time

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = {"F32": np.float32, "F16": np.float16, "I64": np.int64}[entry["dtype"]]
        tensors[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(entry["shape"]).astype(
            np.float32 if dtype != np.int64 else np.int64)
    return tensors


def _erf(x):
    # Abramowitz and Stegun 7.1.26 in float64 (error below 1.5e-7), vectorised.
    x = x.astype(np.float64)
    sign = np.sign(x)
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (sign * (1.0 - poly * np.exp(-z * z))).astype(np.float32)


def layer_norm(x, gamma, beta, eps=1e-12):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


class Encoder:
    def __init__(self, directory):
        with open(directory + "/config.json") as f:
            self.config = json.load(f)
        self.t = read_safetensors(directory + "/model.safetensors")
        from tokenizers import Tokenizer
        self.tokenizer = Tokenizer.from_file(directory + "/tokenizer.json")
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=256)

    def encode(self, texts):
        return self.forward([self.tokenizer.encode(text).ids for text in texts])

    def forward(self, batch):
        """Pads the batch to its longest sequence and masks the padding."""
        t = self.t
        heads = self.config["num_attention_heads"]
        width = self.config["hidden_size"]
        size = width // heads
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for i, sequence in enumerate(batch):
            ids[i, :len(sequence)] = sequence
            mask[i, :len(sequence)] = 1
        x = (t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][:length]
             + t["embeddings.token_type_embeddings.weight"][0])
        x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(self.config["num_hidden_layers"]):
            p = f"encoder.layer.{layer}."

            def dense(v, name):
                return v @ t[p + name + ".weight"].T + t[p + name + ".bias"]

            def split(v):
                return v.reshape(len(batch), length, heads, size).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(size)) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(len(batch), length, width)
            x = layer_norm(x + dense(context, "attention.output.dense"),
                           t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"])
            inner = dense(x, "intermediate.dense")
            inner = 0.5 * inner * (1.0 + _erf(inner / np.float32(math.sqrt(2.0))))
            x = layer_norm(x + dense(inner, "output.dense"),
                           t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"])
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main():
    directory, tokens_path = sys.argv[1], sys.argv[2]
    with open(tokens_path) as f:
        batches = json.load(f)["batches"]
    encoder = Encoder(directory)
    encoder.forward(batches[0])
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for batch in batches:
            encoder.forward(batch)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "sentences": sum(len(batch) for batch in batches)}))


if __name__ == "__main__":
    main()
