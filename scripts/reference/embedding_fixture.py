#!/usr/bin/env python3
"""Writes the embedding fixture: generated sentences and their all-MiniLM-L6-v2 embeddings
from sentence-transformers (the independent reference), as base64 little-endian float16.

Before writing, it checks the reference against the similarities sentence-transformers
publishes for this model in its quick start ("The weather is lovely today." vs "It's so
sunny outside!" 0.6660, vs "He drove to the stadium." 0.1046), and checks the numpy forward of
bench/encoder_numpy.py against it.

usage: embedding_fixture.py ENCODER_DIR OUT_JSONL   (pip install sentence-transformers)
"""
import base64
import json
import os
import random
import sys

import numpy as np
from sentence_transformers import SentenceTransformer, models

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
import encoder_numpy  # noqa: E402

SUBJECTS = ["The committee", "A small bakery", "My grandmother", "The new policy", "Our team", "The river",
            "A software engineer", "The orchestra", "This chapter", "The city council", "A stray cat",
            "The spacecraft", "Every student", "The hospital", "The old lighthouse", "A crisis plan"]
VERBS = ["explains", "questions", "celebrates", "ignores", "describes", "rebuilds", "measures", "delays",
         "funds", "protects", "criticises", "documents", "predicts", "replaces"]
OBJECTS = ["the budget for next year", "a recipe for sourdough bread", "the migration of birds",
           "the history of the Roman Empire", "a plan to reduce traffic", "the rules of chess",
           "how vaccines train the immune system", "the cost of renewable energy", "a bug in the login page",
           "the results of the election", "the ending of the novel", "a strategy for press releases",
           "the causes of inflation", "the weather on the coast"]
TAILS = ["", " yesterday.", " in great detail.", ", but nobody listened.", " because the deadline moved.",
         " — again!", "? Really?", " with charts, tables and 3 appendices.", " (see section 4.2)."]
EXTRA = ["Write a 5,000-word story about a lighthouse keeper.", "Explain quantum computing to a child.",
         "Résumé: naïve café owner in Zürich.", "東京は日本の首都です。", "Москва — столица России.",
         "🚀 Launch day! 🎉", "", "OK", "Summarise the following meeting notes in ten bullet points.",
         "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]


def sentences():
    rng = random.Random(15)
    out = list(EXTRA)
    while len(out) < 230:
        out.append(rng.choice(SUBJECTS) + " " + rng.choice(VERBS) + " " + rng.choice(OBJECTS) + rng.choice(TAILS))
    # Paragraph-length texts, some past the 256-token truncation.
    for n in (3, 8, 15, 30, 45):
        out.append(" ".join(rng.choice(SUBJECTS) + " " + rng.choice(VERBS) + " " + rng.choice(OBJECTS) + "."
                            for _ in range(n)))
    return out


def main():
    directory, target = sys.argv[1], sys.argv[2]
    transformer = models.Transformer(directory, max_seq_length=256)
    pooling = models.Pooling(transformer.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu")

    pair = model.encode(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    published = {(0, 1): 0.6660, (0, 2): 0.1046}
    for (a, b), value in published.items():
        got = float(pair[a] @ pair[b])
        assert abs(got - value) < 0.001, f"reference disagrees with the published similarity: {got} vs {value}"
        print(f"published similarity {value:.4f}, reference {got:.4f}", file=sys.stderr)

    texts = sentences()
    expected = model.encode(texts, batch_size=32)
    forward = encoder_numpy.Encoder(directory)
    numpy_embeddings = forward.encode(texts)
    cosines = np.sum(numpy_embeddings * expected, axis=1)
    print(f"numpy forward vs sentence-transformers: min cosine {cosines.min():.6f}", file=sys.stderr)
    assert cosines.min() > 0.9999

    with open(target, "w", encoding="utf-8") as out:
        for text, vector in zip(texts, expected):
            packed = base64.b64encode(vector.astype("<f2").tobytes()).decode()
            out.write(json.dumps({"text": text, "embedding_f16": packed}, ensure_ascii=False) + "\n")
    print(f"wrote {len(texts)} sentences to {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
