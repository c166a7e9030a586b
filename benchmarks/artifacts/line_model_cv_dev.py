#!/usr/bin/env python3
"""Would a learned line classifier add recall to the rules? Grouped CV on the DEV labels only.

    python benchmarks/artifacts/line_model_cv_dev.py              # C=1, no class weights
    python benchmarks/artifacts/line_model_cv_dev.py --C 0.1 --balanced

Every dev line (both label batches) gets ``line_features`` (27 line-shape features, with the
rules' flags from ``ArtifactDetector()``). A logistic regression is trained on the lines the rules
did NOT flag (the model would only add flags). Leave-one-record-out CV on dev prints, per
threshold, precision and recall of "rules OR model >= t", single-article and with the boilerplate
detector (batch). Test labels are never read.
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
sys.path.insert(0, str(ROOT / "benchmarks" / "labels"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_labels import DEFAULT_DATA, load_labels  # noqa: E402
from line_features import line_features  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from coherence.detectors.artifacts import ArtifactDetector  # noqa: E402
from coherence.detectors.boilerplate import BoilerplateDetector  # noqa: E402
from coherence.units import split_lines  # noqa: E402

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


def covered(flags, d) -> bool:
    if d["label"] == "mixed":
        a, b = d["artifact_substring_start"], d["artifact_substring_end"]
        return any(f.start < b and f.end > a for f in flags)
    a, b = d["start"], d["end"]
    return any(min(f.end, b) - max(f.start, a) >= 0.5 * (b - a) for f in flags)


def build(data_dir: Path):
    labels = [d for d in load_labels() if d["split"] == "dev"]
    by_file = collections.defaultdict(list)
    for d in labels:
        by_file[d["file"]].append(d)
    rules = ArtifactDetector()
    rows = []
    for name, labs in sorted(by_file.items()):
        with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
            records = {r["id"]: r for r in map(json.loads, fh)}
        boiler = BoilerplateDetector().fit((r["text"], r.get("source")) for r in records.values())
        for d in labs:
            rec = records[d["id"]]
            text = rec["text"]
            lines = split_lines(text)
            flags = [f for f in rules.detect(text) if f.kind == "artifact"]
            flagged = {(f.start, f.end) for f in flags}
            index = next(k for k, s in enumerate(lines) if s.start >= d["start"] and s.end <= d["end"])
            rows.append(
                {
                    "x": line_features(text, lines, index, flagged),
                    "y": d["label"] != "content",
                    "rule": covered(flags, d),
                    "batch": covered(flags + boiler.detect(text, rec.get("source")), d),
                    "group": d["id"],
                }
            )
    return rows


def fit(x, y, c, balanced):
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=5000).fit(
        scaler.transform(x), y
    )
    return scaler, clf


def prf(pred, y):
    tp = int((pred & y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--balanced", action="store_true", help="class_weight='balanced'")
    args = ap.parse_args(argv)

    rows = build(args.data)
    x = np.array([r["x"] for r in rows])
    y = np.array([r["y"] for r in rows])
    rule = np.array([r["rule"] for r in rows])
    batch = np.array([r["batch"] for r in rows])
    groups = np.array([r["group"] for r in rows])
    print(
        f"dev lines {len(y)}, artifact {int(y.sum())}, records {len(set(groups))}; C={args.C} balanced={args.balanced}"
    )
    probs = np.zeros(len(y))
    for g in sorted(set(groups)):
        test = groups == g
        train = ~test & ~rule  # the model learns what the rules leave
        scaler, clf = fit(x[train], y[train], args.C, args.balanced)
        probs[test] = clf.predict_proba(scaler.transform(x[test]))[:, 1]
    print("leave-one-record-out on dev: rules OR model >= t")
    print(f"{'t':>5} {'single P':>9} {'R':>6} {'batch P':>8} {'R':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    p, r, *_ = prf(rule, y)
    pb, rb, tp, fp, fn = prf(batch, y)
    print(f"{'rules':>5} {p:9.3f} {r:6.3f} {pb:8.3f} {rb:6.3f} {tp:4d} {fp:4d} {fn:4d}")
    for t in THRESHOLDS:
        p, r, *_ = prf(rule | (probs >= t), y)
        pb, rb, tp, fp, fn = prf(batch | (probs >= t), y)
        print(f"{t:5.2f} {p:9.3f} {r:6.3f} {pb:8.3f} {rb:6.3f} {tp:4d} {fp:4d} {fn:4d}")


if __name__ == "__main__":
    main()
