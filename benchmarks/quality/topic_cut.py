"""Dev check: the quality model refitted with other ``topic_outlier`` cuts, on saved signals.

    python -m benchmarks.quality.topic_cut --data ../shared/data --signals TRAIN_signals.jsonl
        --real-signals REAL_signals.jsonl [--cut 0.6 0] [--cut 0.65 0.1 ...] [--resamples 300]

``--signals``: a training run's ``--signals-file`` (``python -m coherence.training.train``);
``--real-signals``: a ``python -m benchmarks.quality.real_reasons --signals-out`` file (the unjudged real records).
Each ``--cut A B`` refits the quality model with the trainer's own :func:`~coherence.training.train.fit_features`
on the feature ``max(0, A - B * ln(paragraphs) - min_topic_similarity)`` (``A 0`` is a fixed cut; the bundled model
uses :data:`coherence.scoring.TOPIC_OUTLIER_BELOW`) and gives the train split's out-of-fold ROC-AUC, ECE and
per-defect AUCs, and how many real articles (fnc1 apart) and clean training articles get the topic-outlier, order
and sentence-splice reasons. Each cut after the first is compared with the first by a paired bootstrap over source
articles (as :mod:`benchmarks.quality.oof_bootstrap`). Train split and unjudged real records only: no test split.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from coherence.explain import MIN_CONTRIBUTION

REASONS = {"topic": "topic_outlier", "order": "paragraph_disorder", "splice": "sentence_splice"}
Signals = dict[str, float]


def _signals(raw: dict[str, Any]) -> Signals:
    return {k: (math.nan if v is None else float(v)) for k, v in raw.items()}


def cut_feature(a: float, b: float):
    """The topic_outlier feature with the cut ``a - b * ln(paragraphs)``."""
    from coherence.scoring import _get, _hinge

    def feature(signals: Signals) -> float:
        return _hinge(signals, "min_topic_similarity", a - b * math.log(max(_get(signals, "paragraphs", 1.0), 1.0)))

    return feature


@contextmanager
def topic_cut(a: float, b: float) -> Iterator[None]:
    """Within the block, the quality features use the topic_outlier cut ``a - b ln(paragraphs)``."""
    from coherence import scoring

    original = scoring.FEATURES["topic_outlier"]
    scoring.FEATURES["topic_outlier"] = ("min_topic_similarity", cut_feature(a, b))
    try:
        yield
    finally:
        scoring.FEATURES["topic_outlier"] = original


def refit(rows: list[tuple[dict, Signals]]):
    """(out-of-fold probabilities, fitted model) of the trainer's fit on the current features."""
    from coherence import scoring
    from coherence.training.train import fit_features

    y = np.array([r["label"] for r, _ in rows])
    result, columns, _ = fit_features(rows, list(scoring.FEATURES), np.where(y == 1, 1.0, 0.5))
    coef = dict(zip(columns, (float(c) for c in result["coef"]), strict=True))
    model = scoring.QualityModel(
        float(result["intercept"]),
        {n: v for (n, kind), v in coef.items() if kind == "weight"},
        {"version": scoring.MODEL_VERSION},
        {n: v for (n, kind), v in coef.items() if kind == "short"},
    )
    return np.asarray(result["oof_probability"]), model


def count_reasons(model, items: Sequence[Signals]) -> dict[str, int]:
    """How many of ``items`` get each of :data:`REASONS` as a reason."""
    out = dict.fromkeys(REASONS, 0)
    for signals in items:
        contributions = model.score(signals)[1]
        for name, feature in REASONS.items():
            out[name] += contributions.get(feature, 0.0) <= -MIN_CONTRIBUTION
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from sklearn.metrics import roc_auc_score

    from coherence.scoring import is_scoreable
    from coherence.training.corruptions import build_set
    from coherence.training.data import clean_articles
    from coherence.training.metrics import expected_calibration_error
    from coherence.training.train import DEFAULT_COUNTS, auc_by_defect

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--signals", required=True)
    parser.add_argument("--real-signals", required=True)
    parser.add_argument("--cut", nargs=2, type=float, action="append", metavar=("A", "B"))
    parser.add_argument("--resamples", type=int, default=300)
    args = parser.parse_args(argv)
    cuts = args.cut or [[0.6, 0.0], [0.65, 0.1]]
    records = build_set(clean_articles(args.data, "train", DEFAULT_COUNTS, seed=0), seed=0, corrupted_per_article=2)
    saved = {r["id"]: r["signals"] for r in map(json.loads, Path(args.signals).open(encoding="utf-8"))}
    rows = [(r, _signals(saved[r["id"]])) for r in records if saved.get(r["id"])]
    real = [json.loads(line) for line in Path(args.real_signals).open(encoding="utf-8")]
    real_signals = [_signals(r["signals"]) for r in real if r["signals"] and r["corpus"] != "fnc1_bodies"]
    real_signals = [s for s in real_signals if is_scoreable(s)]
    clean = [s for r, s in rows if r["defect"] is None and is_scoreable(s)]
    y = np.array([r["label"] for r, _ in rows])
    w = np.where(y == 1, 1.0, 0.5)
    groups = np.array([r["id"].split("~")[0] for r, _ in rows])
    members = [np.flatnonzero(groups == g) for g in np.unique(groups)]
    rng = np.random.default_rng(0)
    picks = [rng.integers(0, len(members), len(members)) for _ in range(args.resamples)]
    draws = [np.concatenate([members[i] for i in pick]) for pick in picks]
    masks = {"overall": np.ones(len(rows), dtype=bool)}
    for kind in ("shuffled", "splice_sentence", "splice_block"):
        masks[kind] = (y == 1) | np.array([kind in (r["defect"] or "").split("+") for r, _ in rows])

    def auc(p: np.ndarray, idx: np.ndarray) -> float:
        return float(roc_auc_score(y[idx], p[idx], sample_weight=w[idx]))

    first = None
    for a, b in cuts:
        with topic_cut(a, b):
            p, model = refit(rows)
            on_real, on_clean = count_reasons(model, real_signals), count_reasons(model, clean)
        by_defect = auc_by_defect(rows, p, w)
        print(
            f"cut {a} - {b} ln(P): out of fold {auc(p, np.arange(len(rows))):.4f}, "
            f"ECE {expected_calibration_error(y, p, weights=w):.4f}, "
            + ", ".join(f"{k} {by_defect[k]:.4f}" for k in ("shuffled", "splice_sentence", "splice_block"))
            + f" | real ({len(real_signals)}): "
            + ", ".join(f"{k} {v} ({100 * v / len(real_signals):.1f}%)" for k, v in on_real.items())
            + f" | clean training ({len(clean)}): "
            + ", ".join(f"{k} {v}" for k, v in on_clean.items())
        )
        if first is None:
            first = p
            continue
        for name, mask in masks.items():
            gaps = np.array([auc(p, idx[mask[idx]]) - auc(first, idx[mask[idx]]) for idx in draws])
            point = auc(p, np.flatnonzero(mask)) - auc(first, np.flatnonzero(mask))
            print(f"    {name}: {point:+.4f} against the first cut (bootstrap sd {gaps.std():.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
