#!/usr/bin/env python3
"""Cross-validated estimate of the shipped line model on the DEV labels (test labels are never read).

    python benchmarks/artifacts/line_model_cv_dev.py

Re-runs the cross-validation of ``python -m coherence.training.train_lines`` (folds grouped by record)
with the settings stored in ``coherence/data/line_model.json`` (C, word scale, word-bucket minimum),
and prints precision and recall of "rules OR model >= t" per threshold, one article at a time and in
batch mode (with the boilerplate detector fitted on every record of the same file, as
``eval_lines.py`` does), then recall per category at the shipped threshold. "Rules" include the
title-based non-article page rules, as in ``ArtifactDetector.detect(text, title)``. Every line is predicted
by a model fitted without its record; the rules themselves were written on dev, so these figures are
optimistic for the rules' share.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coherence.detectors.artifacts import ArtifactDetector, non_article_page  # noqa: E402
from coherence.detectors.boilerplate import BoilerplateDetector  # noqa: E402
from coherence.detectors.line_features import FEATURE_NAMES  # noqa: E402
from coherence.detectors.line_model import load_line_model  # noqa: E402
from coherence.training.train_lines import (  # noqa: E402
    THRESHOLDS,
    combined,
    dev_design,
    found_by,
    out_of_fold,
    precision_recall,
)


def boilerplate_found(rows: list[dict], data_dir: Path) -> np.ndarray:
    """Whether the boilerplate detector (fitted per file on all its records) finds each labelled line."""
    found = np.zeros(len(rows), dtype=bool)
    by_file = collections.defaultdict(list)
    for i, r in enumerate(rows):
        by_file[r["label"]["file"]].append(i)
    for name, indices in by_file.items():
        with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
            records = {r["id"]: r for r in map(json.loads, fh)}
        boiler = BoilerplateDetector().fit((r["text"], r.get("source")) for r in records.values())
        for i in indices:
            rec = records[rows[i]["label"]["id"]]
            found[i] = found_by(boiler.detect(rec["text"], rec.get("source")), rows[i]["label"])
    return found


def page_found(rows: list[dict], data_dir: Path) -> np.ndarray:
    """Whether the title-based page rules (``non_article_page``, which training leaves out) flag each line."""
    found = np.zeros(len(rows), dtype=bool)
    by_file = collections.defaultdict(list)
    for i, r in enumerate(rows):
        by_file[r["label"]["file"]].append(i)
    detector = ArtifactDetector(line_model=None)
    for name, indices in by_file.items():
        with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
            records = {r["id"]: r for r in map(json.loads, fh)}
        for i in indices:
            rec = records[rows[i]["label"]["id"]]
            lines, flags, _ = detector.line_features(rec["text"])
            page = non_article_page(rec["text"], lines, flags, rec.get("title"))
            found[i] = found_by(page, rows[i]["label"])
    return found


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--labels", type=Path, default=ROOT / "benchmarks" / "labels" / "artifact_lines.jsonl")
    ap.add_argument("--folds", type=int, default=20)
    ap.add_argument("--misses", action="store_true", help="list the artifact lines missed at the shipped threshold")
    args = ap.parse_args(argv)

    model = load_line_model()
    c, ws, min_records = model.info["C"], model.info["word_scale"], model.info["min_records"]
    d = dev_design(args.labels, args.data)
    page = page_found(d["rows"], args.data)  # part of the rules at prediction time; the model never sees them
    y, rule, touched = d["y"], d["rule"] | page, d["touched"] | page
    probs = out_of_fold(d["x"], d["words"], y, d["fit_mask"], d["groups"], c, ws, min_records, args.folds)
    boiler = boilerplate_found(d["rows"], args.data)
    print(f"dev lines {len(y)}, artifact {int(y.sum())}, records {len(set(d['groups']))}")
    print(f"C={c:g} word_scale={ws:g} min_records={min_records}; {args.folds} folds grouped by record")
    print(
        f"{'t':>5} {'single P':>9} {'R':>6} {'fp':>3} {'batch P':>8} {'R':>6} {'fp':>3} {'model-only P':>13} {'R':>6}"
    )
    settings = [("rules", None)] + [(f"{t:.2f}", t) for t in THRESHOLDS]
    for name, t in settings:
        single = rule if t is None else combined(rule, touched, probs, t)
        p, r, _, fp, _ = precision_recall(single, y)
        pb, rb, _, fpb, _ = precision_recall(single | boiler, y)
        alone = "" if t is None else "{:13.3f} {:6.3f}".format(*precision_recall(probs >= t, y)[:2])
        mark = " <- shipped" if t == model.threshold else ""
        print(f"{name:>5} {p:9.3f} {r:6.3f} {fp:3d} {pb:8.3f} {rb:6.3f} {fpb:3d} {alone}{mark}")

    single = combined(rule, touched, probs, model.threshold)
    print(f"\nrecall per category at t={model.threshold:.2f} (rules / rules+model / +boilerplate)")
    cats = collections.Counter(r["label"]["category"] for r in d["rows"] if r["y"])
    for cat, n in cats.most_common():
        idx = np.array([r["label"]["category"] == cat for r in d["rows"]])
        counts = [int(m[idx].sum()) for m in (rule, single, single | boiler)]
        print(f"{cat:20} {n:3d}  " + " / ".join(f"{k:3d}" for k in counts))
    if args.misses:
        print_misses(d, single | boiler, probs, model.threshold)


def miss_reason(row: dict, prob: float, threshold: float) -> str:
    """Why a labelled artifact line was missed: a rule flag touches it without covering half, a rule's
    pattern matches it but its position or length condition kept it from flagging, or no rule knows its
    form (then the out-of-fold model probability)."""
    if row["touched"]:
        return "rule flag touches it, covers under half"
    if row["x"][FEATURE_NAMES.index("rule_pattern_hit")]:
        return f"pattern matches, rule too strict (model p={prob:.2f})"
    return f"no rule; model p={prob:.2f} < {threshold:.2f}"


def print_misses(d: dict, found: np.ndarray, probs: np.ndarray, threshold: float) -> None:
    """One line per missed dev artifact line (dev only): category, batch, reason, position, text head."""
    print("\nmissed dev artifact lines (single article + boilerplate)")
    for i, row in enumerate(d["rows"]):
        if row["y"] and not found[i]:
            lab, reason = row["label"], miss_reason(row, probs[i], threshold)
            print(f"{lab['category']:18} b{lab.get('batch', 1)} l{lab['line']:3d} {reason:44}| {row['text'][:80]!r}")


if __name__ == "__main__":
    main()
