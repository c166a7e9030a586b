"""Dev check: is one training run's out-of-fold ROC-AUC better than another's, beyond resampling noise?

    python -m benchmarks.quality.oof_bootstrap --data ../shared/data A_signals.jsonl B_signals.jsonl
        [--resamples 300]

Both files are ``python -m coherence.training.train --signals-file`` outputs for the same records (the
default pool, seed 0). Each is refitted with the trainer's own :func:`~coherence.training.train.fit_features`
(this reproduces the run's out-of-fold numbers), and B minus A is given overall and for the shuffled and
splice_sentence records, with a paired bootstrap over source articles (all records of an article drawn
together). Train split only: no test split is read.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DEFECTS = ("shuffled", "splice_sentence")


def out_of_fold(path: str | Path, records: list[dict]) -> dict[str, float]:
    """Record id -> out-of-fold probability of a refit on the signals at ``path``."""
    from coherence.scoring import FEATURES
    from coherence.training.train import fit_features

    saved = {r["id"]: r["signals"] for r in map(json.loads, Path(path).open(encoding="utf-8"))}
    rows = [
        (r, {k: (math.nan if v is None else float(v)) for k, v in saved[r["id"]].items()})
        for r in records
        if saved.get(r["id"])
    ]
    y = np.array([r["label"] for r, _ in rows])
    result, _, _ = fit_features(rows, list(FEATURES), np.where(y == 1, 1.0, 0.5))
    return {r["id"]: float(p) for (r, _), p in zip(rows, result["oof_probability"], strict=True)}


def main(argv: Sequence[str] | None = None) -> int:
    from sklearn.metrics import roc_auc_score

    from coherence.training.corruptions import build_set
    from coherence.training.data import clean_articles
    from coherence.training.train import DEFAULT_COUNTS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--resamples", type=int, default=300)
    args = parser.parse_args(argv)
    records = build_set(clean_articles(args.data, "train", DEFAULT_COUNTS, seed=0), seed=0, corrupted_per_article=2)
    a, b = out_of_fold(args.a, records), out_of_fold(args.b, records)
    kept = [r for r in records if r["id"] in a and r["id"] in b]
    y = np.array([r["label"] for r in kept])
    w = np.where(y == 1, 1.0, 0.5)
    pa, pb = np.array([a[r["id"]] for r in kept]), np.array([b[r["id"]] for r in kept])
    groups = np.array([r["id"].split("~")[0] for r in kept])
    members = {g: np.flatnonzero(groups == g) for g in np.unique(groups)}
    names = list(members)
    masks = {"overall": np.ones(len(kept), dtype=bool)}
    for kind in DEFECTS:
        masks[kind] = (y == 1) | np.array([kind in (r["defect"] or "").split("+") for r in kept])
    rng = np.random.default_rng(0)
    draws = [
        np.concatenate([members[names[i]] for i in rng.integers(0, len(names), len(names))])
        for _ in range(args.resamples)
    ]

    def gap(idx: np.ndarray, mask: np.ndarray) -> float:
        m = idx[mask[idx]]
        return float(roc_auc_score(y[m], pb[m], sample_weight=w[m]) - roc_auc_score(y[m], pa[m], sample_weight=w[m]))

    everything = np.arange(len(kept))
    for name, mask in masks.items():
        point = (
            roc_auc_score(y[mask], pa[mask], sample_weight=w[mask]),
            roc_auc_score(y[mask], pb[mask], sample_weight=w[mask]),
        )
        diffs = np.array([gap(idx, mask) for idx in draws])
        print(
            f"{name}: A {point[0]:.4f}, B {point[1]:.4f}, B - A {gap(everything, mask):+.4f} "
            f"(bootstrap sd {diffs.std():.4f}; B >= A in {np.mean(diffs >= 0):.0%} of {args.resamples} resamples)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
