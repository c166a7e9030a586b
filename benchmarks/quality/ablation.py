"""What each group of quality features adds, out of fold on the TRAINING split (never the test split).

Every row but the last two fits one weight per feature; the last two add each feature's extra weight in
short articles (``short_weights``, see :mod:`coherence.scoring`), as the shipped model does, with
``paragraph_disorder``'s order cut at 1 and at the shipped :data:`coherence.scoring.ORDER_Z_BELOW` (since session 6
``paragraph_order_z`` is a permutation percentile on a normal scale, so 1 is no longer the session-4 model's cut).

    python -m benchmarks.quality.ablation --signals .cache/training/signals.jsonl

With ``--real`` (the benchmark's cached real-corpus scores, ``.cache/quality-bench``), it also ranks
fnc1 and fakenewsnet_v1 with the models fitted with and without short-article weights and counts how
many of the 30 lowest (by quality, and by clean_quality) our hand verdicts call reject
(``judgements.json``, ``judgements_cleaned.json``; unjudged ones are counted as such).

Reads the signals a training run kept (``python -m coherence.training.train`` writes them, with the
cross-fitted position and unit-fit signals, to ``--signals-file``), fits the quality model as the
training does (grouped 5-fold out-of-fold predictions, Platt calibration, features with a positive
weight dropped) on growing feature sets, and prints Markdown tables: single features against the
defect they target (alone, clean records against records with only that defect), then out-of-fold
ROC-AUC of the whole model, overall and per defect.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from coherence import scoring
from coherence.scoring import FEATURES, QualityModel, feature_signal, quality_features
from coherence.training.corruptions import CORRUPTIONS
from coherence.training.train import auc_by_defect, fit_features

#: Feature groups added in session 3, in the order they are added to the session-2 set.
GROUPS = {
    "story introductions": ["opens_mid_story", "names_before_introduction"],
    "sentence fit": ["sentence_splice"],
    "paragraph fit": ["paragraph_splice"],
}


def load_rows(path: str | Path) -> list[tuple[dict, dict[str, float]]]:
    rows = []
    for line in Path(path).open(encoding="utf-8"):
        record = json.loads(line)
        if record["signals"] is None:
            continue
        signals = {k: (math.nan if v is None else float(v)) for k, v in record["signals"].items()}
        rows.append(({"id": record["id"], "defect": record["defect"], "label": int(record["defect"] is None)}, signals))
    return rows


#: Single features against the defect they target: (feature, defect).
SINGLE = [
    ("paragraph_disorder", "shuffled"),
    ("opens_mid_story", "shuffled"),
    ("names_before_introduction", "shuffled"),
    ("sentence_evidence", "splice_sentence"),
    ("sentence_splice", "splice_sentence"),
    ("paragraph_evidence", "splice_block"),
    ("paragraph_splice", "splice_block"),
]


def single_features(rows: list[tuple[dict, dict[str, float]]]) -> None:
    """ROC-AUC of one feature alone, clean records against those with only its defect, and how
    often it is non-zero on each."""
    print("| feature | defect | ROC-AUC alone | its signal alone | non-zero on clean | non-zero on the defect |")
    print("|---|---|---|---|---|---|")
    for name, defect in SINGLE:
        chosen = [(r["label"], s) for r, s in rows if r["defect"] in (None, defect)]
        labels = np.array([label for label, _ in chosen])
        values = np.array([quality_features(s, [name])[name] for _, s in chosen])
        signal = "–"
        if name not in ("paragraph_disorder",):  # signals that grow with the damage (NaN: no evidence)
            raw = np.array([s.get(feature_signal(name), math.nan) for _, s in chosen], dtype=float)
            raw = np.where(np.isnan(raw), np.nanmin(raw), raw)
            signal = f"{roc_auc_score(labels, -raw):.3f}"
        auc = roc_auc_score(labels, -values)
        clean, damaged = (values[labels == 1] > 0).mean(), (values[labels == 0] > 0).mean()
        print(f"| {name} | {defect} | {auc:.3f} | {signal} | {clean:.1%} | {damaged:.1%} |")
    print()


def fitted_model(result: dict, columns: list[tuple[str, str]]) -> QualityModel:
    """The :class:`QualityModel` of a :func:`fit_features` result."""
    coef = dict(zip(columns, result["coef"], strict=True))
    return QualityModel(
        float(result["intercept"]),
        {n: float(w) for (n, kind), w in coef.items() if kind == "weight"},
        short_weights={n: float(w) for (n, kind), w in coef.items() if kind == "short"},
    )


def hand_check(model: QualityModel, scores_dir: Path) -> list[str]:
    """Verdict counts (reject / keep / unjudged) among the 30 lowest of each real corpus, by quality and
    by clean_quality, from cached scores (signals only are used)."""
    here = Path(__file__).parent
    verdicts = {
        cleaned: json.loads((here / name).read_text(encoding="utf-8"))
        for cleaned, name in ((False, "judgements.json"), (True, "judgements_cleaned.json"))
    }
    cells = []
    for cleaned in (False, True):
        for corpus in ("fnc1_bodies", "fakenewsnet_v1"):
            keys = []
            for line in (scores_dir / f"{corpus}.jsonl").open(encoding="utf-8"):
                record = json.loads(line)
                if record.get("quality") is None:
                    continue
                signals = {k: (math.nan if v is None else float(v)) for k, v in record["signals"].items()}
                logit, contributions = model.logit(signals)
                keys.append((model.logit_after_cleaning(contributions) if cleaned else logit, record["id"]))
            said = [verdicts[cleaned].get(i, {}).get("verdict") for _, i in sorted(keys)[:30]]
            cells.append(f"{said.count('reject')} / {said.count('keep')} / {said.count(None)}")
    return cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", default=".cache/training/signals.jsonl")
    parser.add_argument("--corrupted-per-article", type=int, default=2)
    parser.add_argument(
        "--real", default=None, help="Folder of the quality benchmark's cached real scores (.cache/quality-bench)."
    )
    args = parser.parse_args(argv)
    rows = load_rows(args.signals)
    y = np.array([r["label"] for r, _ in rows])
    weights = np.where(y == 1, 1.0, 1.0 / args.corrupted_per_article)
    single_features(rows)
    new = [name for names in GROUPS.values() for name in names]
    base = [name for name in FEATURES if name not in new]
    sets = {"session-2 features": base}
    added: list[str] = []
    for group, names in GROUPS.items():
        added += names
        sets[f"+ {group}" if len(sets) == 1 else f"+ {group} (cumulative)"] = base + added
    for group, names in GROUPS.items():
        sets[f"session-2 features + {group} only"] = base + names
    kinds = sorted(CORRUPTIONS)
    print("| features | ROC-AUC | " + " | ".join(kinds) + " |")
    print("|---|---|" + "---|" * len(kinds))
    runs = [(label, names, False, scoring.ORDER_Z_BELOW) for label, names in sets.items()]
    runs.append(("all features + short-article weights, order cut 1", list(FEATURES), True, 1.0))
    shipped = f"all features + short-article weights, order cut {scoring.ORDER_Z_BELOW:g} (shipped)"
    runs.append((shipped, list(FEATURES), True, scoring.ORDER_Z_BELOW))
    models = {}
    shipped_cut = scoring.ORDER_Z_BELOW
    for label, names, short, order_cut in runs:
        scoring.ORDER_Z_BELOW = order_cut  # read by the paragraph_disorder feature at each call
        result, columns, _ = fit_features(rows, list(names), weights, short=short)
        p = result["oof_probability"]
        per = auc_by_defect(rows, p, weights)
        auc = roc_auc_score(y, p, sample_weight=weights)
        print(f"| {label} | {auc:.4f} | " + " | ".join(f"{per[k]:.3f}" for k in kinds) + " |", flush=True)
        if len(names) == len(FEATURES):
            models[label] = (auc, fitted_model(result, columns), p, order_cut)
    scoring.ORDER_Z_BELOW = shipped_cut
    sources = np.array([r["id"].split("/")[0] for r, _ in rows])
    print("\nBy source (clean articles of a source against their damaged copies), out of fold:\n")
    print("| model | " + " | ".join(sorted(set(sources))) + " |")
    print("|---|" + "---|" * len(set(sources)))
    for label, (_, _, p, _) in models.items():
        aucs = [
            roc_auc_score(y[sources == s], p[sources == s], sample_weight=weights[sources == s])
            for s in sorted(set(sources))
        ]
        print(f"| {label} | " + " | ".join(f"{a:.4f}" for a in aucs) + " |")
    if args.real:
        print("\nHand check of the 30 lowest real articles (reject / keep / not judged):\n")
        print(
            "| model | out of fold | fnc1, as stored | fakenewsnet_v1, as stored | fnc1, after cleaning "
            "| fakenewsnet_v1, after cleaning |"
        )
        print("|---|---|---|---|---|---|")
        for label, (auc, model, _, order_cut) in models.items():
            scoring.ORDER_Z_BELOW = order_cut
            print(f"| {label} | {auc:.4f} | " + " | ".join(hand_check(model, Path(args.real))) + " |")
        scoring.ORDER_Z_BELOW = shipped_cut
    return 0


if __name__ == "__main__":
    sys.exit(main())
