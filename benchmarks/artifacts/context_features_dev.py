#!/usr/bin/env python3
"""Does context help the line model? Out-of-fold comparison on the DEV labels (test labels are never read).

    python benchmarks/artifacts/context_features_dev.py                      # ~1 min on the shared machine
    python benchmarks/artifacts/context_features_dev.py --holdout-batch 6    # fit on the other dev batches

Every dev line gets the shipped model's features (``line_features``) and, for the variants, some of
:data:`CONTEXT_FEATURE_NAMES` (neighbours' pattern hits and shapes,
place before the first / after the last sentence-like line, the rules' flagged share near, below and
above the line, length against the median) or of :data:`TITLE_FEATURE_NAMES` (overlap with the record's
title). Each variant is fitted and predicted as ``train_lines`` does it (20 folds grouped by record,
word buckets in 3+ records) for each ``C`` and word scale given; ``two-pass`` stacks a second logistic
regression on the first pass's out-of-fold log-odds of the line, its neighbours and the record (same
folds; the first pass of a training record saw the other folds, the usual stacking shortcut);
``boosted trees`` fits gradient-boosted trees on the line and context features and the first pass's
log-odds (same folds). Printed per variant: the model alone (average
precision, recall at precision >= 0.95 and 0.97) and "rules OR model >= t" one article at a time, as
the detector runs (the rules' title-based page rules left out, as in training). The rules were written
on dev, so the combined rows are optimistic; the model-alone columns are the better guess for forms the
rules do not know. ``--holdout-batch N`` fits on the other dev batches and scores batch N only (the
two-pass variant's training rows then get their first pass from 20 inner folds); run from a checkout of
a commit whose rules were written before batch N was labelled (with this script, ``context_features``
and the current label file copied in), it estimates what the model adds on fresh lines. Nothing is saved.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coherence.detectors.artifacts import ArtifactDetector  # noqa: E402
from coherence.detectors.line_features import (  # noqa: E402
    FEATURE_NAMES,
    SENTENCE_END,
    content_words,
    covers_half,
    touches,
    word_matrix,
)
from coherence.training.train_lines import combined, fit, found_by, load_dev_labels, precision_recall  # noqa: E402


def is_sentence_like(line: str) -> bool:
    """A line of 8+ words ending like a sentence (looser than ``line_features.is_prose``)."""
    return len(line.split()) >= 8 and line.rstrip().endswith(SENTENCE_END)


CONTEXT_FEATURE_NAMES: tuple[str, ...] = (
    "prev_pattern_hit",
    "next_pattern_hit",
    "prev_short_unpunctuated",
    "next_short_unpunctuated",
    "prev_sentence_like",
    "next_sentence_like",
    "before_first_sentence",
    "after_last_sentence",
    "log_lines_before_first_sentence",
    "log_lines_after_last_sentence",
    "flagged_share_within_2",
    "flagged_share_below",
    "flagged_share_above",
    "log_chars_vs_median",
)


def context_features(texts: Sequence[str], flagged: Sequence[bool], pattern_hits: Sequence[bool]) -> np.ndarray:
    """One row of :data:`CONTEXT_FEATURE_NAMES` per line (not used by the shipped model; measured
    here): the neighbours' pattern hits, shapes and
    sentence-likeness; whether, and how many lines, the line sits before the first or after the last
    sentence-like line (the furniture around an article); the rules' flagged share within two lines,
    below and above it; its length against the text's median line.

    ``flagged[i]``: rule flags cover half of line ``i``; ``pattern_hits[i]``: some rule's pattern
    matches it (as in :func:`coherence.detectors.line_features.line_features`).
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(CONTEXT_FEATURE_NAMES)))
    short = [len(t.split()) <= 12 and not t.rstrip().endswith(SENTENCE_END) for t in texts]
    sentence = [is_sentence_like(t) for t in texts]
    positions = [i for i, s in enumerate(sentence) if s]
    first, last = (positions[0], positions[-1]) if positions else (n, -1)
    flagged_before = np.concatenate([[0], np.cumsum(np.asarray(flagged, dtype=int))])  # [i]: flagged lines above i
    total = int(flagged_before[-1])
    median_chars = float(np.median([len(t) for t in texts]))
    rows = []
    for i in range(n):
        window = [j for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < n]
        above, below = int(flagged_before[i]), total - int(flagged_before[i + 1])
        rows.append(
            [
                float(i > 0 and pattern_hits[i - 1]),
                float(i + 1 < n and pattern_hits[i + 1]),
                float(i > 0 and short[i - 1]),
                float(i + 1 < n and short[i + 1]),
                float(i > 0 and sentence[i - 1]),
                float(i + 1 < n and sentence[i + 1]),
                float(i < first),
                float(i > last),
                math.log1p(first - i) if i < first and positions else 0.0,
                math.log1p(i - last) if i > last and positions else 0.0,
                sum(bool(flagged[j]) for j in window) / len(window) if window else 0.0,
                below / (n - 1 - i) if i < n - 1 else 0.0,
                above / i if i > 0 else 0.0,
                math.log((len(texts[i]) + 1) / (median_chars + 1)),
            ]
        )
    return np.asarray(rows, dtype=float)


TITLE_FEATURE_NAMES = ("has_title", "title_overlap", "title_recall", "is_title", "headline_off_title")
ALL_EXTRA = CONTEXT_FEATURE_NAMES + TITLE_FEATURE_NAMES
VARIANTS: dict[str, tuple[str, ...]] = {
    "shipped features": (),
    "+ all context": CONTEXT_FEATURE_NAMES,
    "+ neighbours' flags and hits": (
        "prev_pattern_hit",
        "next_pattern_hit",
        "flagged_share_within_2",
        "flagged_share_below",
        "flagged_share_above",
    ),
    "+ place around the sentences": (
        "before_first_sentence",
        "after_last_sentence",
        "log_lines_before_first_sentence",
        "log_lines_after_last_sentence",
    ),
    "+ neighbours' shapes, length": (
        "prev_short_unpunctuated",
        "next_short_unpunctuated",
        "prev_sentence_like",
        "next_sentence_like",
        "log_chars_vs_median",
    ),
    "+ the record's title": TITLE_FEATURE_NAMES,
}


def _normalised(line: str) -> str:
    return " ".join(re.findall(r"\w+", line.casefold()))


def title_features(texts: list[str], title: str) -> np.ndarray:
    """Per line (:data:`TITLE_FEATURE_NAMES`): the record has a title; share of the line's content words
    in the title and of the title's in the line; the line is the title; a headline-like line (3-16 words,
    no sentence end) sharing no content word with the title (another story's headline)."""
    title_words = content_words(title) if title.strip() else frozenset()
    rows = []
    for line in texts:
        words = content_words(line)
        overlap = sum(w in title_words for w in words) / len(words) if words and title_words else 0.0
        recall = sum(w in words for w in title_words) / len(title_words) if title_words else 0.0
        same = bool(title_words) and (_normalised(line) == _normalised(title) or min(overlap, recall) >= 0.8)
        headline = 3 <= len(line.split()) <= 16 and not is_sentence_like(line) and not line.rstrip().endswith(".")
        rows.append([float(bool(title_words)), overlap, recall, float(same), float(headline and overlap == 0.0)])
    return np.asarray(rows, dtype=float).reshape(len(texts), len(TITLE_FEATURE_NAMES))


def dev_records(labels_path: Path, data_dir: Path) -> tuple[dict[str, dict], list[dict]]:
    """Every labelled dev record's lines (features, context features, texts) and one row per labelled line."""
    detector = ArtifactDetector(line_model=None)
    by_file = collections.defaultdict(list)
    for d in load_dev_labels(labels_path):
        by_file[d["file"]].append(d)
    hit_column = FEATURE_NAMES.index("rule_pattern_hit")
    records: dict[str, dict] = {}
    rows = []
    for name, labs in sorted(by_file.items()):
        ids = {d["id"] for d in labs}
        with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
            wanted = [r for r in map(json.loads, fh) if r["id"] in ids]
        texts = {r["id"]: r["text"] for r in wanted}
        titles = {r["id"]: r.get("title") or "" for r in wanted}
        for d in labs:
            group, text = f"{name}:{d['id']}", texts[d["id"]]
            if group not in records:
                lines, flags, x = detector.line_features(text)
                line_texts = [s.text(text) for s in lines]
                flagged = [covers_half(flags, s) for s in lines]
                hits = list(x[:, hit_column] > 0) if len(x) else []
                context = np.hstack(
                    [context_features(line_texts, flagged, hits), title_features(line_texts, titles[d["id"]])]
                )
                records[group] = {"x": x, "context": context, "texts": line_texts, "lines": lines, "flags": flags}
            rec = records[group]
            index = next(k for k, s in enumerate(rec["lines"]) if s.start >= d["start"] and s.end <= d["end"])
            rows.append(
                {
                    "group": group,
                    "index": index,
                    "y": d["label"] != "content",
                    "mixed": d["label"] == "mixed",
                    "rule": found_by(rec["flags"], d),
                    "touched": touches(rec["flags"], rec["lines"][index]),
                    "batch": d.get("batch", 1),
                }
            )
    return records, rows


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def second_pass_row(probs: np.ndarray, i: int) -> list[float]:
    """The line's first-pass log-odds, its neighbours' (previous, next, highest within two lines), the
    record's share of lines at p >= 0.5 and that share below the line."""
    logit, n = _logit(probs), len(probs)
    window = [j for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < n]
    return [
        float(logit[i]),
        float(logit[i - 1]) if i > 0 else -5.0,
        float(logit[i + 1]) if i + 1 < n else -5.0,
        max((float(logit[j]) for j in window), default=-5.0),
        float(np.mean(probs >= 0.5)),
        float(np.mean(probs[i + 1 :] >= 0.5)) if i + 1 < n else 0.0,
    ]


def report(name: str, probs: np.ndarray, y: np.ndarray, rule: np.ndarray, touched: np.ndarray) -> None:
    alone = []
    for target in (0.95, 0.97):
        recalls = [
            precision_recall(probs >= t, y)[1]
            for t in np.arange(0.30, 1.0, 0.01)
            if precision_recall(probs >= t, y)[0] >= target
        ]
        alone.append(f"{max(recalls):.3f}" if recalls else "  -  ")
    both = []
    for t in (0.90, 0.95, 0.97):
        p, r, _, fp, _ = precision_recall(combined(rule, touched, probs, t), y)
        both.append(f"{p:.3f}/{r:.3f} {fp:2d}")
    ap = average_precision_score(y, probs)
    print(f"{name:48} {ap:6.3f} {alone[0]:>7} {alone[1]:>7}   " + "   ".join(both))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--labels", type=Path, default=ROOT / "benchmarks" / "labels" / "artifact_lines.jsonl")
    ap.add_argument("--settings", nargs="+", default=["1,1", "1,2"], help="C,word_scale pairs to fit")
    ap.add_argument("--folds", type=int, default=20)
    ap.add_argument("--holdout-batch", type=int, default=None, help="fit on the other dev batches, score this one")
    args = ap.parse_args(argv)

    records, rows = dev_records(args.labels, args.data)
    y = np.array([r["y"] for r in rows])
    rule, touched = np.array([r["rule"] for r in rows]), np.array([r["touched"] for r in rows])
    groups = np.array([r["group"] for r in rows])
    fit_mask = ~np.array([r["mixed"] for r in rows])
    base = np.array([records[r["group"]]["x"][r["index"]] for r in rows])
    context = np.array([records[r["group"]]["context"][r["index"]] for r in rows])
    words = word_matrix([records[r["group"]]["texts"][r["index"]] for r in rows])
    if args.holdout_batch is None:
        scored = np.ones(len(y), dtype=bool)
        folds = list(GroupKFold(n_splits=args.folds).split(base, y, groups))
    else:
        scored = np.array([r["batch"] == args.holdout_batch for r in rows])
        folds = [(np.flatnonzero(~scored), np.flatnonzero(scored))]
    ys, rules, touches_ = y[scored], rule[scored], touched[scored]
    p, r, *_ = precision_recall(rules, ys)
    print(
        f"scored dev lines {int(scored.sum())}, artifact {int(ys.sum())}, records {len(set(groups[scored]))}; "
        f"rules only P {p:.3f} R {r:.3f}" + ("" if args.holdout_batch is None else f" (batch {args.holdout_batch})")
    )
    print(f"{'variant':48} {'AP':>6} {'R@.95':>7} {'R@.97':>7}   rules OR model, P/R fp at t = 0.90, 0.95, 0.97")

    def predict(x: np.ndarray, c: float, word_scale: float, splits: list) -> np.ndarray:
        probs = np.zeros(len(y))
        for train, test in splits:
            train = train[fit_mask[train]]
            probs[test] = fit(x[train], words[train], y[train], groups[train], c, word_scale, 3).predict_proba(
                x[test], words[test]
            )
        return probs

    for setting in args.settings:
        c, word_scale = (float(v) for v in setting.split(","))
        print(f"-- C={c:g} word_scale={word_scale:g}")
        for name, extra in VARIANTS.items():
            x = np.hstack([base, context[:, [ALL_EXTRA.index(f) for f in extra]]])
            report(name, predict(x, c, word_scale, folds)[scored], ys, rules, touches_)
            if extra:
                continue
            splits = folds  # first pass for every line of every record, out of fold
            if args.holdout_batch is not None:
                train = folds[0][0]
                inner = GroupKFold(n_splits=args.folds).split(train, y[train], groups[train])
                splits = folds + [(train[a], train[b]) for a, b in inner]
            first_pass: dict[str, np.ndarray] = {}
            for train, test in splits:
                train = train[fit_mask[train]]
                fitted = fit(x[train], words[train], y[train], groups[train], c, word_scale, 3)
                for group in set(groups[test]):
                    rec = records[group]
                    first_pass[group] = fitted.predict_proba(rec["x"], word_matrix(rec["texts"]))
            z = np.array([second_pass_row(first_pass[r["group"]], r["index"]) for r in rows])
            stacked = np.zeros(len(y))
            for train, test in folds:
                train = train[fit_mask[train]]
                stacked[test] = LogisticRegression(max_iter=2000).fit(z[train], y[train]).predict_proba(z[test])[:, 1]
            report("two-pass (neighbours' first-pass scores)", stacked[scored], ys, rules, touches_)
            first = np.array([first_pass[r["group"]][r["index"]] for r in rows])
            trees_x = np.hstack([base, context[:, : len(CONTEXT_FEATURE_NAMES)], _logit(first)[:, None]])
            boosted = np.zeros(len(y))
            for train, test in folds:
                train = train[fit_mask[train]]
                trees = HistGradientBoostingClassifier(
                    learning_rate=0.05,
                    max_iter=200,
                    max_leaf_nodes=15,
                    min_samples_leaf=10,
                    l2_regularization=1.0,
                    random_state=0,
                )
                boosted[test] = trees.fit(trees_x[train], y[train]).predict_proba(trees_x[test])[:, 1]
            report("boosted trees (all context + first-pass logit)", boosted[scored], ys, rules, touches_)


if __name__ == "__main__":
    main()
