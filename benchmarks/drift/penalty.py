"""Segment-penalty rules: each tuned on Choi set 4 (dev), then reported on Wiki-50.

    python -m benchmarks.drift.penalty

For each rule the constant ``c`` with the lowest Pk on Choi set 4 is kept, and Wiki-50 is scored
with it (never tuned on). Pk in sentences, as in ``python -m benchmarks.drift``. Embeddings come
from the same cache.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.drift.__main__ import ROOT, _table
from benchmarks.drift.data import choi_docs, wiki50_docs
from benchmarks.drift.embed import CachedEmbedder
from benchmarks.drift.segmentation import score_doc
from coherence.detectors.drift import optimal_segments


def spread(vectors: np.ndarray) -> float:
    """Total variance of unit vectors, 1 - ||mean||^2: low when every sentence is on one subject."""
    return 1.0 - float(np.linalg.norm(vectors.mean(0)) ** 2)


RULES: dict[str, tuple[Callable[[np.ndarray], float], list[float]]] = {
    "c x ln n (shipped, c = 0.34)": (lambda v: np.log(len(v)), [0.26, 0.3, 0.34, 0.38, 0.42]),
    "c x spread x ln n": (lambda v: spread(v) * np.log(len(v)), [0.3, 0.35, 0.4, 0.45, 0.5]),
    "c x spread^2 x ln n": (lambda v: spread(v) ** 2 * np.log(len(v)), [0.3, 0.35, 0.4, 0.45, 0.5]),
    "c x sqrt n": (lambda v: np.sqrt(len(v)), [0.14, 0.16, 0.18, 0.2, 0.22]),
    "c x spread x sqrt n": (lambda v: spread(v) * np.sqrt(len(v)), [0.16, 0.18, 0.2, 0.22, 0.24]),
}


def mean_pk(docs, vectors, scale: Callable[[np.ndarray], float], c: float) -> tuple[float, float]:
    scores = [score_doc(d, optimal_segments(v, c * scale(v))) for d, v in zip(docs, vectors, strict=True)]
    return float(np.mean([s["pk"] for s in scores])), float(np.mean([s["segments_hyp"] for s in scores]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drift.penalty", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache-dir", default=str(ROOT / ".cache" / "embeddings"))
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder = CachedEmbedder(cache_dir=args.cache_dir)
    choi, wiki = choi_docs(args.data, (4,)), wiki50_docs(args.data)
    choi_vectors = [embedder.embed(d.sentences) for d in choi]
    wiki_vectors = [embedder.embed(d.sentences) for d in wiki]
    rows = []
    for name, (scale, grid) in RULES.items():
        dev = {c: mean_pk(choi, choi_vectors, scale, c) for c in grid}
        c = min(grid, key=lambda k: dev[k][0])
        pk, found = mean_pk(wiki, wiki_vectors, scale, c)
        rows.append([name, c, dev[c][0], pk, f"{found:.1f} / {np.mean([len(d.starts) for d in wiki]):.1f}"])
    one = float(np.mean([score_doc(d, [0])["pk"] for d in wiki]))
    header = ["penalty rule", "c (best on Choi 4)", "Choi 4 Pk (dev)", "Wiki-50 Pk", "Wiki-50 segments found / true"]
    print(_table(header, rows) + f"\n\nWiki-50 with one segment per document (no boundary at all): Pk {one:.3f}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
