"""Dev check: does fitting the quality model on more clean TRAIN articles help, on the SAME records?

    python -m benchmarks.quality.pool_size_dev --data ../shared/data --bbc 1532 --perezrosas 227

Out-of-fold numbers of two training runs with different pools are measured on different records, so
this script holds the evaluation records fixed: the records the trainer builds from the baseline's
clean articles (``--base-bbc`` / ``--base-perezrosas``, by default :data:`DEFAULT_COUNTS`; the
larger sample always contains the smaller one, see :func:`extra_articles`). The larger pool is
those records plus the damaged copies built the same way from the extra articles alone (donor
texts from the extra articles too), so the baseline records are the very same in both pools.

Each pool is refitted with the trainer's own functions (cross-fitted position probe and unit-fit
signals, grouped 5-fold out-of-fold quality model with Platt calibration), and both are scored on
the baseline records only: ROC-AUC, ECE, per-defect ROC-AUC, and a paired bootstrap over source
articles of (larger - baseline). TRAIN split only; it never reads the test split.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from coherence.scoring import FEATURES
from coherence.training.corruptions import build_set
from coherence.training.data import clean_articles
from coherence.training.metrics import expected_calibration_error
from coherence.training.train import (
    DEFAULT_COUNTS,
    UNIT_FITS,
    auc_by_defect,
    cross_fit_position,
    cross_fit_unit_fit,
    fit_features,
    score_signals,
)

#: Per-defect AUCs the bootstrap also reports (the two weakest defects).
WEAK_DEFECTS = ("shuffled", "splice_sentence")


def source_of(record_id: str) -> str:
    """The source article id of a record (its damaged copies are ``id~k``)."""
    return record_id.split("~")[0]


def extra_articles(base: Sequence[dict[str, Any]], larger: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The articles of ``larger`` not in ``base``; raises if ``base`` is not a subset of ``larger``."""
    base_ids = {a["id"] for a in base}
    missing = base_ids - {a["id"] for a in larger}
    if missing:
        raise ValueError(f"{len(missing)} baseline articles are not in the larger sample")
    return [a for a in larger if a["id"] not in base_ids]


def fit_pool(
    records: Sequence[dict[str, Any]],
    signals: Sequence[dict[str, float] | None],
    vectors: Sequence[np.ndarray | None],
    units: Sequence[Any],
    corrupted_per_article: int,
    C: float = 1.0,
) -> dict[str, float]:
    """Refit as :func:`coherence.training.train.train` does on ``records``; the out-of-fold quality per record id."""
    own = [copy.deepcopy(s) for s in signals]
    cross_fit_position(records, own, list(vectors))
    for kind in UNIT_FITS:
        cross_fit_unit_fit(records, own, list(units), kind)
    rows = [(r, s) for r, s in zip(records, own, strict=True) if s is not None]
    y = np.array([r["label"] for r, _ in rows])
    weights = np.where(y == 1, 1.0, 1.0 / corrupted_per_article)
    result, _, _ = fit_features(rows, list(FEATURES), weights, C=C)
    return {r["id"]: float(p) for (r, _), p in zip(rows, result["oof_probability"], strict=True)}


def summary(rows: Sequence[dict[str, Any]], p: np.ndarray, weights: np.ndarray) -> dict[str, Any]:
    """ROC-AUC, ECE, per-defect and per-source ROC-AUC of ``p`` on ``rows`` (clean = label 1)."""
    y = np.array([r["label"] for r in rows])
    sources = np.array([r["source"] for r in rows])
    return {
        "roc_auc": round(float(roc_auc_score(y, p, sample_weight=weights)), 4),
        "ece": round(expected_calibration_error(y, p, weights=weights), 4),
        "by_defect": auc_by_defect([(r, {}) for r in rows], p, weights),
        "by_source": {
            s: round(float(roc_auc_score(y[sources == s], p[sources == s], sample_weight=weights[sources == s])), 4)
            for s in sorted(set(sources))
        },
    }


def paired_bootstrap(
    rows: Sequence[dict[str, Any]],
    p_base: np.ndarray,
    p_new: np.ndarray,
    weights: np.ndarray,
    resamples: int = 1000,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Bootstrap over source articles of ROC-AUC(p_new) - ROC-AUC(p_base), overall and for
    :data:`WEAK_DEFECTS`: mean, sd, 2.5% / 97.5% quantiles and the share of resamples <= 0."""
    groups = sorted({source_of(r["id"]) for r in rows})
    index = {g: i for i, g in enumerate(groups)}
    group_of = np.array([index[source_of(r["id"])] for r in rows])
    y = np.array([r["label"] for r in rows])
    defects = [r.get("defect") or "" for r in rows]
    masks = {"overall": np.ones(len(rows), dtype=bool)}
    for kind in WEAK_DEFECTS:
        masks[kind] = (y == 1) | np.array([kind in d.split("+") for d in defects])
    rng = np.random.default_rng(seed)
    diffs: dict[str, list[float]] = {k: [] for k in masks}
    for _ in range(resamples):
        # drawing articles with replacement = weighting each record by its article's draw count
        draws = np.bincount(rng.integers(0, len(groups), len(groups)), minlength=len(groups))
        w = weights * draws[group_of]
        for name, mask in masks.items():
            m = mask & (w > 0)
            if len(set(y[m])) < 2:
                continue
            diffs[name].append(
                roc_auc_score(y[m], p_new[m], sample_weight=w[m]) - roc_auc_score(y[m], p_base[m], sample_weight=w[m])
            )
    out = {}
    for name, values in diffs.items():
        d = np.array(values)
        out[name] = {
            "mean": round(float(d.mean()), 4),
            "sd": round(float(d.std(ddof=1)), 4),
            "q025": round(float(np.quantile(d, 0.025)), 4),
            "q975": round(float(np.quantile(d, 0.975)), 4),
            "share_not_better": round(float((d <= 0).mean()), 4),
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--bbc", type=int, required=True, help="Clean BBC train articles in the larger pool.")
    parser.add_argument("--perezrosas", type=int, required=True, help="Clean perezrosas legit ones in the larger pool.")
    parser.add_argument("--base-bbc", type=int, default=DEFAULT_COUNTS["bbc"])
    parser.add_argument("--base-perezrosas", type=int, default=DEFAULT_COUNTS["perezrosas"])
    parser.add_argument("--corrupted-per-article", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resamples", type=int, default=1000, help="Paired bootstrap resamples.")
    parser.add_argument("--cache-dir", default=".cache/embeddings", help="On-disk embedding cache ('' to disable).")
    parser.add_argument("--json", help="Also write the results here.")
    args = parser.parse_args(argv)

    cpa, seed = args.corrupted_per_article, args.seed
    base = clean_articles(args.data, "train", {"bbc": args.base_bbc, "perezrosas": args.base_perezrosas}, seed=seed)
    larger = clean_articles(args.data, "train", {"bbc": args.bbc, "perezrosas": args.perezrosas}, seed=seed)
    extra = extra_articles(base, larger)
    base_records = build_set(base, seed=seed, corrupted_per_article=cpa)
    extra_records = build_set(extra, seed=seed, corrupted_per_article=cpa)
    records = base_records + extra_records
    print(
        f"{len(base)} baseline + {len(extra)} extra articles -> {len(base_records)} + {len(extra_records)} records",
        file=sys.stderr,
    )
    signals, vectors, units = score_signals(records, args.cache_dir or None)
    n = len(base_records)
    p_base = fit_pool(base_records, signals[:n], vectors[:n], units[:n], cpa)
    p_new = fit_pool(records, signals, vectors, units, cpa)

    rows = [r for r in base_records if r["id"] in p_base and r["id"] in p_new]
    y = np.array([r["label"] for r in rows])
    weights = np.where(y == 1, 1.0, 1.0 / cpa)
    pb = np.array([p_base[r["id"]] for r in rows])
    pn = np.array([p_new[r["id"]] for r in rows])
    p_new_all = np.array(list(p_new.values()))
    new_rows = [r for r in records if r["id"] in p_new]
    y_all = np.array([r["label"] for r in new_rows])
    result = {
        "split": "train (out of fold)",
        "articles": {"baseline": len(base), "extra": len(extra)},
        "evaluated_records": len(rows),
        "baseline_pool": summary(rows, pb, weights),
        "larger_pool_on_baseline_records": summary(rows, pn, weights),
        "larger_pool_on_its_own_records": summary(new_rows, p_new_all, np.where(y_all == 1, 1.0, 1.0 / cpa)),
        "paired_bootstrap_larger_minus_baseline": paired_bootstrap(
            rows, pb, pn, weights, resamples=args.resamples, seed=seed
        ),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
