"""Batch settings on development articles: encoders in turn on the same units, so they share the load.

The units are those the pipeline embeds for articles 1,000 to 1,099 of the benchmark's alternating
bbc/fnc1 order (``bench.py`` reports on the first 200, so tuning never sees them), in chunks of
50. Each encoder encodes every chunk; the encoder that goes first rotates from chunk to chunk::

    python benchmarks/throughput/dev_batching.py --rounds 2

Encoders: plain ``SentenceTransformer.encode`` (character-length sorted, 64 per batch: the torch
backend before token batching), the torch backend and the int8 ONNX backend at 64 and 256 texts
per batch (token-length sorted, at most 8,192 padded tokens). Prints seconds, speed relative to
the torch backend at 64, and the cosine to it (mean and minimum).
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import time

import numpy as np
from bench import write_corpus


def dev_units(chunk_size: int = 50) -> list[list[str]]:
    from coherence import Scorer
    from coherence.io import read_articles

    path = "/tmp/coherence-dev-batching.jsonl"
    write_corpus(1100, path)
    scorer = Scorer(chunk_size=chunk_size)
    articles = itertools.islice(read_articles(path), 1000, 1100)
    chunks = []
    while chunk := list(itertools.islice(articles, chunk_size)):
        prepared = scorer._prepare_chunk(chunk)
        chunks.append(
            list(dict.fromkeys(t for p in prepared if hasattr(p, "texts_to_embed") for t in p.texts_to_embed()))
        )
    return chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from coherence.embedding import Embedder

    torch64 = Embedder(batch_size=64).load()
    st = torch64._load()
    encoders = {
        "SentenceTransformer.encode, 64": lambda t: st.encode(
            t, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        ),
        "torch, 64": torch64.encode,
        "torch, 256": Embedder(batch_size=256).load().encode,
        "onnx, 64": Embedder(backend="onnx", batch_size=64).load().encode,
        "onnx, 256": Embedder(backend="onnx", batch_size=256).load().encode,
    }
    chunks = dev_units()
    names = list(encoders)
    seconds = dict.fromkeys(names, 0.0)
    vectors: dict[str, list] = {n: [] for n in names}
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
    turn = 0
    for r in range(args.rounds):
        for chunk in chunks:
            for name in names[turn % len(names) :] + names[: turn % len(names)]:
                t0 = time.perf_counter()
                v = encoders[name](chunk)
                seconds[name] += time.perf_counter() - t0
                if r == 0:
                    vectors[name].append(v)
            turn += 1
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    ref = np.concatenate(vectors["torch, 64"])
    print(f"{sum(len(c) for c in chunks)} units x {args.rounds} rounds")
    for name in names:
        cos = (np.concatenate(vectors[name]) * ref).sum(axis=1)
        print(
            f"{name:34s} {seconds[name]:7.1f} s  {seconds['torch, 64'] / seconds[name]:5.2f}x"
            f"  cosine to torch, 64: mean {cos.mean():.4f} min {cos.min():.4f}"
        )


if __name__ == "__main__":
    main()
