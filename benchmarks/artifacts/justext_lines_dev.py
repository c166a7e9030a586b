#!/usr/bin/env python3
"""Does jusText's paragraph verdict help the line model? Held-out-batch comparison on the DEV labels.

    python benchmarks/artifacts/justext_lines_dev.py                 # leave one dev batch out (~3 min)
    python benchmarks/artifacts/justext_lines_dev.py --misses        # also list the held-out misses
    python benchmarks/artifacts/justext_lines_dev.py --holdout-batch 8   # one held-out batch only

Only dev rows of batches 1-4 and 6-8 are read (test rows and later batches never are). Every line gets
the shipped line features (``line_features``) and, for the variants, jusText's verdict on it
(:data:`JUSTEXT_FEATURE_NAMES`: one ``<p>`` per non-blank line, English stop list, jusText's default
lengths): its context-free class (bad / short / near-good / good), its final context-sensitive class
(good or bad after its neighbours have been taken into account) and its stop-word density.

Protocol: each dev batch is held out in turn. A model is fitted on the other batches (``train_lines``'
fit: C, word scale, word buckets in 3+ records as stored with the shipped model), its threshold ``t``
is chosen on those batches only (best recall of "rules OR model >= t" at out-of-fold precision >=
``--min-precision``, 10 inner folds grouped by record), and the held-out batch is scored with it.
The ``combo`` variant keeps the shipped features and adds, with a second threshold ``t2`` chosen the
same way, lines jusText calls bad (final class) and short or bad (context-free) whose probability is
>= ``t2``. "Rules" include the title-based page rules, as the detector runs; the rules were written on
batches 1-7 (not 8), so the rules' share is optimistic everywhere except batch 8, and the model's
increment (lines added beyond the rules, true and false) is the figure to compare. Run from a checkout
of a commit whose rules predate batch N (this script and the current label file copied in) with
``--holdout-batch N``, it measures fresh lines as the rules first met them. Nothing is saved.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import html
import json
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.artifacts.line_model_cv_dev import boilerplate_found, page_found  # noqa: E402
from coherence.detectors.artifacts import ArtifactDetector  # noqa: E402
from coherence.detectors.line_features import word_matrix  # noqa: E402
from coherence.detectors.line_model import load_line_model  # noqa: E402
from coherence.training.train_lines import (  # noqa: E402
    THRESHOLDS,
    combined,
    fit,
    labelled_rows,
    load_dev_labels,
    precision_recall,
)
from coherence.units import split_lines  # noqa: E402

DEV_BATCHES = (1, 2, 3, 4, 6, 7, 8)
JUSTEXT_FEATURE_NAMES: tuple[str, ...] = (
    "justext_good",
    "justext_cf_bad",
    "justext_cf_short",
    "justext_cf_neargood",
    "justext_stopword_density",
)


@cache
def _stoplist() -> frozenset[str]:
    import justext

    return frozenset(justext.get_stoplist("English"))


def justext_features(text: str, length_low: int = 70, length_high: int = 200) -> np.ndarray:
    """One row of :data:`JUSTEXT_FEATURE_NAMES` per non-blank line of ``text`` (``split_lines``);
    ``length_low`` and ``length_high`` are jusText's paragraph lengths (characters) for short and good."""
    import justext

    lines = [s.text(text) for s in split_lines(text)]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    rows = np.zeros((len(lines), len(JUSTEXT_FEATURE_NAMES)))
    if not lines:
        return rows
    paragraphs = justext.justext(
        body.encode("utf-8"), _stoplist(), length_low=length_low, length_high=length_high, encoding="utf-8"
    )
    if len(paragraphs) != len(lines):  # jusText dropped or merged a paragraph: match by text
        index = {line.strip(): i for i, line in enumerate(lines)}
        pairs = [(index[p.text.strip()], p) for p in paragraphs if p.text.strip() in index]
    else:
        pairs = list(enumerate(paragraphs))
    rows[:, 1] = 1.0  # a line jusText lost counts as bad
    for i, p in pairs:
        rows[i] = [
            float(p.class_type == "good"),
            float(p.cf_class == "bad"),
            float(p.cf_class == "short"),
            float(p.cf_class == "neargood"),
            p.stopwords_density(_stoplist()),
        ]
    return rows


def dev_rows(labels_path: Path, data_dir: Path, lengths: tuple[int, int] = (70, 200)) -> list[dict]:
    """``labelled_rows`` of the dev batches in :data:`DEV_BATCHES` only, with jusText features ``jt``."""
    labels = [d for d in load_dev_labels(labels_path) if d.get("batch", 1) in DEV_BATCHES]
    rows = labelled_rows(labels, data_dir, ArtifactDetector(line_model=None))
    by_file = collections.defaultdict(set)
    for r in rows:
        by_file[r["label"]["file"]].add(r["label"]["id"])
    jt: dict[tuple[str, str], np.ndarray] = {}
    for name, ids in by_file.items():
        with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
            for rec in map(json.loads, fh):
                if rec["id"] in ids:
                    jt[(name, rec["id"])] = justext_features(rec["text"], *lengths)
    for r in rows:
        lab = r["label"]
        lines = split_lines(_text_of(data_dir, lab["file"], lab["id"]))
        index = next(k for k, s in enumerate(lines) if s.start >= lab["start"] and s.end <= lab["end"])
        r["jt"] = jt[(lab["file"], lab["id"])][index]
    return rows


@cache
def _file(data_dir: Path, name: str) -> dict[str, str]:
    with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
        return {r["id"]: r["text"] for r in map(json.loads, fh)}


def _text_of(data_dir: Path, name: str, record_id: str) -> str:
    return _file(data_dir, name)[record_id]


def _probs(x, words, y, fit_mask, groups, train, test, info) -> np.ndarray:
    train = train[fit_mask[train]]
    fitted = fit(x[train], words[train], y[train], groups[train], info["C"], info["word_scale"], info["min_records"])
    return fitted.predict_proba(x[test], words[test])


def inner_oof(x, words, y, fit_mask, groups, train, info, folds: int) -> np.ndarray:
    """Out-of-fold probabilities of the training lines (folds grouped by record)."""
    probs = np.zeros(len(train))
    for a, b in GroupKFold(n_splits=folds).split(train, groups=groups[train]):
        probs[b] = _probs(x, words, y, fit_mask, groups, train[a], train[b], info)
    return probs


def best_threshold(rule, touched, probs, y, min_precision: float, extra=None) -> tuple[float, float]:
    """(t, t2): best recall at precision >= ``min_precision`` of rules OR p >= t (OR ``extra`` & p >= t2)."""
    best, best_key = (1.01, 1.01), None
    t2s = THRESHOLDS + (1.01,) if extra is not None else (1.01,)
    for t in THRESHOLDS + (1.01,):
        for t2 in t2s:
            if t2 > t and t2 <= 1.0:
                continue
            pred = decide(rule, touched, probs, t, extra, t2)
            p, r, *_ = precision_recall(pred, y)
            key = (r, p, t, t2)
            if p >= min_precision and (best_key is None or key > best_key):
                best, best_key = (t, t2), key
    return best


def decide(rule, touched, probs, t: float, extra=None, t2: float = 1.01) -> np.ndarray:
    pred = combined(rule, touched, probs, t)
    if extra is not None:
        pred |= extra & (probs >= t2) & ~touched
    return pred


def recall_at(probs: np.ndarray, y: np.ndarray, min_precision: float) -> float:
    """Highest recall of ``probs >= t`` over thresholds whose precision is at least ``min_precision``."""
    precision, recall, _ = precision_recall_curve(y, probs)
    return float(recall[precision >= min_precision].max())


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--labels", type=Path, default=ROOT / "benchmarks" / "labels" / "artifact_lines.jsonl")
    ap.add_argument("--folds", type=int, default=10, help="inner folds (grouped by record)")
    ap.add_argument("--min-precision", type=float, default=0.97)
    ap.add_argument("--misses", action="store_true", help="list held-out artifact lines every variant misses")
    ap.add_argument("--lengths", type=int, nargs=2, default=[70, 200], help="jusText's length_low, length_high")
    ap.add_argument("--holdout-batch", type=int, default=None, help="hold out only this dev batch")
    args = ap.parse_args(argv)

    info = load_line_model().info
    rows = dev_rows(args.labels, args.data, tuple(args.lengths))
    y = np.array([r["y"] for r in rows])
    page = page_found(rows, args.data)
    boiler = boilerplate_found(rows, args.data)
    rule = np.array([r["rule"] for r in rows]) | page
    touched = np.array([r["touched"] for r in rows]) | page
    groups = np.array([r["group"] for r in rows])
    fit_mask = ~np.array([r["mixed"] for r in rows])
    words = word_matrix([r["text"] for r in rows])
    base = np.array([r["x"] for r in rows])
    jt = np.array([r["jt"] for r in rows])
    batch = np.array([r["label"].get("batch", 1) for r in rows])
    jt_bad = (jt[:, 0] == 0) & ((jt[:, 1] == 1) | (jt[:, 2] == 1))
    setting = f"C={info['C']} word scale={info['word_scale']}"
    print(f"dev lines {len(y)} (artifact {int(y.sum())}) in batches {DEV_BATCHES}; {setting}")
    p, r, *_ = precision_recall(jt[:, 0] == 0, y)
    print(f"jusText alone (final class bad): P {p:.3f} R {r:.3f}")
    variants = {
        "shipped features": (base, False),
        "+ jusText features": (np.hstack([base, jt]), False),
        "combo (jusText bad & p>=t2)": (base, True),
        "+ jusText features, combo": (np.hstack([base, jt]), True),
    }
    preds = {name: np.zeros(len(y), dtype=bool) for name in variants}
    held_out_probs = {name: np.zeros(len(y)) for name in variants}
    head = f"{'P':>6} {'R':>6} {'tp':>4} {'fp':>3} {'fn':>3}"
    print(f"{'held out':9} {'variant':30} {'t':>5} {'t2':>5} {head}  added tp/fp")
    held_out = DEV_BATCHES if args.holdout_batch is None else (args.holdout_batch,)
    for b in held_out:
        test = np.flatnonzero(batch == b)
        train = np.flatnonzero(batch != b)
        p, r, tp, fp, fn = precision_recall(rule[test], y[test])
        print(f"batch {b:<3} {'rules':30} {'':>5} {'':>5} {p:6.3f} {r:6.3f} {tp:4d} {fp:3d} {fn:3d}")
        for name, (x, with_combo) in variants.items():
            oof = inner_oof(x, words, y, fit_mask, groups, train, info, args.folds)
            extra = jt_bad if with_combo else None
            t, t2 = best_threshold(
                rule[train], touched[train], oof, y[train], args.min_precision, None if extra is None else extra[train]
            )
            probs = _probs(x, words, y, fit_mask, groups, train, test, info)
            pred = decide(rule[test], touched[test], probs, t, None if extra is None else extra[test], t2)
            preds[name][test] = pred
            held_out_probs[name][test] = probs
            p, r, tp, fp, fn = precision_recall(pred, y[test])
            added = pred & ~rule[test]
            print(
                f"batch {b:<3} {name:30} {t:5.2f} {t2:5.2f} {p:6.3f} {r:6.3f} {tp:4d} {fp:3d} {fn:3d}"
                f"  {int((added & y[test]).sum())}/{int((added & ~y[test]).sum())}"
            )
    scored = np.isin(batch, held_out)
    y, rule, touched, boiler, batch, jt = (
        y[scored],
        rule[scored],
        touched[scored],
        boiler[scored],
        batch[scored],
        jt[scored],
    )
    rows = [r for r, keep in zip(rows, scored, strict=True) if keep]
    preds = {name: pred[scored] for name, pred in preds.items()}
    held_out_probs = {name: probs[scored] for name, probs in held_out_probs.items()}
    print("\nall held-out batches pooled (single article / batch mode with the shipped boilerplate detector)")
    for name, pred in [("rules", rule)] + list(preds.items()):
        p, r, tp, fp, fn = precision_recall(pred, y)
        pb, rb, *_ = precision_recall(pred | boiler, y)
        print(f"{name:30} P {p:.3f} R {r:.3f} ({tp}/{fp}/{fn})   batch P {pb:.3f} R {rb:.3f}")
    print("\nthe model alone, held-out probabilities pooled (AP; recall at precision >= 0.95 / 0.97; AP on the")
    print(f"{len(y) - int(touched.sum())} lines no rule flag touches, {int((y & ~touched).sum())} of them artifacts)")
    for name, probs in held_out_probs.items():
        if variants[name][1]:
            continue
        ap_all, ap_rest = average_precision_score(y, probs), average_precision_score(y[~touched], probs[~touched])
        r95, r97 = recall_at(probs, y, 0.95), recall_at(probs, y, 0.97)
        print(f"{name:30} AP {ap_all:.3f}  R {r95:.3f} / {r97:.3f}  residual AP {ap_rest:.3f}")
    if args.misses:
        missed = y & ~np.any([p for p in preds.values()], axis=0) & ~boiler
        print("\nheld-out artifact lines no variant finds")
        for i in np.flatnonzero(missed):
            lab = rows[i]["label"]
            where = f"{lab['category']:18} b{batch[i]} l{lab['line']:3d}"
            print(f"{where} jusText {jt[i].round(2).tolist()} | {rows[i]['text'][:80]!r}")


if __name__ == "__main__":
    main()
