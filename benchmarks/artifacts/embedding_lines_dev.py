#!/usr/bin/env python3
"""Does what a line SAYS (its sentence embedding) find the artifact lines the surface features miss? DEV only.

    python benchmarks/artifacts/embedding_lines_dev.py                 # OOF on dev, batch 8, controls
    python benchmarks/artifacts/embedding_lines_dev.py --cost 300      # extra lines and time per article

Labels: the dev rows of batches 2, 3, 4, 6, 7 and 8 only (batch 1 and batch 5 rows are never read; the ids
of every labelled record, any split, are read only to keep them out of the weak-label pool).

Every line of a labelled record, of a weak-label record and of a control record is embedded with
all-MiniLM-L6-v2 (``--backend``; vectors cached under ``--cache-dir``). A line's features: its 384-d
vector, its cosine to the mean vector of the record's other lines and to the record's title, the title's
presence and its highest cosine to the previous or next line (``--surface`` adds the shipped line
features, standardised). Classifiers: logistic regressions (standardised inputs, plain coefficients)
fitted on

- ``labelled``: the hand-labelled dev lines of batches 2-7 (mixed lines left out of the fit);
- ``weak``: weak labels from unlabelled non-test records (never a labelled record): lines the rules
  flag (flags covering half the line) are positives; prose lines no rule touches (15+ words ending like
  a sentence) and every unflagged line of a seeded half of bbc are negatives;
- ``weak+labelled``: both.

The "existing detector" is the rules (page rules included) OR the shipped line model at its threshold:
out of fold on batches 2-7 (the shipped setting refitted on batches 2-7 in 20 folds grouped by record),
the shipped model itself on batch 8 (it was trained without batch 8). The combination flags, in
addition, every line no detector flag touches whose embedding probability is >= t_e. t_e is chosen on
training folds only: the lowest threshold whose "detector OR embedding" precision on the training
lines (their inner out-of-fold probabilities) is >= ``--min-precision`` with the highest recall.

1. Out of fold on dev batches 2-7: 10 outer folds grouped by record, t_e per outer fold from 5 inner folds.
2. Fresh check: fitted on all of batches 2-7 (+ weak), t_e from step 1's out-of-fold probabilities,
   scored on batch 8 (labelled blind, no rule written from it).
3. Controls: the step-2 models at the step-2 t_e on the bbc half not used for weak labels and on
   perezrosas (lines flagged by the shipped detector or the embedding classifier).

``--cost N``: on the first N fnc1 records, the lines no artifact flag touches that the scorer does not
already embed as a paragraph, sentence or headline, and the time to embed them against the time to embed
what the scorer embeds now. Nothing is saved except the embedding cache.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coherence.article import Article  # noqa: E402
from coherence.detectors.artifacts import ArtifactDetector, non_article_page  # noqa: E402
from coherence.detectors.line_features import covers_half, is_prose, touches, word_matrix  # noqa: E402
from coherence.detectors.line_model import load_line_model  # noqa: E402
from coherence.embedding import Embedder  # noqa: E402
from coherence.training.train_lines import (  # noqa: E402
    combined,
    found_by,
    load_dev_labels,
    out_of_fold,
    precision_recall,
)
from coherence.units import Span, split_lines  # noqa: E402

TRAIN_BATCHES = (2, 3, 4, 6, 7)
FRESH_BATCH = 8
FILES = (
    "fnc1_bodies.jsonl.gz",
    "fakenewsnet_v1.jsonl.gz",
    "fakenewscorpus_sample.jsonl.gz",
    "golbeck.jsonl.gz",
    "horne.jsonl.gz",
)
THRESHOLDS = np.round(np.arange(0.30, 1.0, 0.01), 2)
EMBEDDING_DIM = 384  # all-MiniLM-L6-v2; a line's row: its vector, then SIM_NAMES, then (--surface) FEATURE_NAMES
SIM_NAMES = ("centroid_cosine", "title_cosine", "has_title", "neighbour_cosine")


@dataclass
class Record:
    """One record's lines, the rules' flags and feature rows, the shipped detector's flags and the line vectors."""

    group: str
    text: str
    title: str
    lines: list[Span]
    rule_flags: list
    surface: np.ndarray
    page_flags: list
    shipped_flags: list
    vectors: np.ndarray | None = None
    title_vector: np.ndarray | None = None
    texts: list[str] = field(default_factory=list)


def read_records(data_dir: Path, name: str, ids: set[str] | None = None) -> list[dict]:
    with gzip.open(data_dir / "news" / name, "rt", encoding="utf-8") as fh:
        return [r for r in map(json.loads, fh) if ids is None or r["id"] in ids]


def analyse(raw: dict, name: str, rules: ArtifactDetector, shipped: ArtifactDetector) -> Record:
    text, title = raw["text"], raw.get("title") or ""
    lines, flags, surface = rules.line_features(text)
    page = non_article_page(text, lines, flags, title or None)
    shipped_flags = [f for f in shipped.detect(text, title or None) if f.kind == "artifact"]
    rec = Record(f"{name}:{raw['id']}", text, title, lines, flags, surface, page, shipped_flags)
    rec.texts = [s.text(text) for s in lines]
    return rec


def embed_records(records: Sequence[Record], embedder: Embedder) -> None:
    """Attach every line's vector and the title's (one call for all records)."""
    texts = [t for r in records for t in r.texts] + [r.title for r in records if r.title.strip()]
    vectors = embedder.embed(texts) if texts else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    pos = 0
    for r in records:
        r.vectors = vectors[pos : pos + len(r.texts)]
        pos += len(r.texts)
    for r in records:
        if r.title.strip():
            r.title_vector = vectors[pos]
            pos += 1


def similarity_features(rec: Record) -> np.ndarray:
    """Per line (:data:`SIM_NAMES`): cosine to the mean of the record's other lines, to the title, whether
    there is a title, and the highest cosine to the previous or next line."""
    v = rec.vectors
    n = len(v)
    rows = np.zeros((n, len(SIM_NAMES)))
    if n == 0:
        return rows
    total = v.sum(axis=0)
    for i in range(n):
        others = total - v[i]
        norm = np.linalg.norm(others)
        rows[i, 0] = float(v[i] @ others / norm) if n > 1 and norm > 0 else 0.0
        if rec.title_vector is not None:
            rows[i, 1] = float(v[i] @ rec.title_vector)
            rows[i, 2] = 1.0
        near = [float(v[i] @ v[j]) for j in (i - 1, i + 1) if 0 <= j < n]
        rows[i, 3] = max(near) if near else 0.0
    return rows


def line_rows(rec: Record, surface: bool) -> np.ndarray:
    parts = [rec.vectors, similarity_features(rec)]
    if surface:
        parts.append(rec.surface)
    return np.hstack(parts)


@dataclass(frozen=True)
class EmbeddingModel:
    """Standardised inputs and a logistic regression (coefficients exportable as JSON)."""

    mean: np.ndarray
    scale: np.ndarray
    clf: LogisticRegression

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, c: float, weight: np.ndarray | None = None) -> EmbeddingModel:
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        clf = LogisticRegression(C=c, max_iter=3000).fit((x - mean) / scale, y, sample_weight=weight)
        return cls(mean, scale, clf)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.clf.predict_proba((x - self.mean) / self.scale)[:, 1] if len(x) else np.zeros(0)


def choose_threshold(probs: np.ndarray, base: np.ndarray, touched: np.ndarray, y: np.ndarray, target: float) -> float:
    """The threshold with the best recall of "base OR (probs >= t on untouched lines)" at precision >= target
    (ties: the higher threshold); 1.01 (nothing added) when none reaches it."""
    best, best_key = 1.01, None
    for t in THRESHOLDS:
        p, r, *_ = precision_recall(base | ((probs >= t) & ~touched), y)
        if p >= target and (best_key is None or (r, t) > best_key):
            best, best_key = float(t), (r, t)
    return best


def dev_rows(labels: Sequence[dict], data_dir: Path, rules: ArtifactDetector, shipped: ArtifactDetector):
    """Records of the labelled lines and one row per labelled line (batches 2-4, 6-8 only)."""
    records: dict[str, Record] = {}
    rows = []
    by_file = collections.defaultdict(list)
    for d in labels:
        by_file[d["file"]].append(d)
    for name, labs in sorted(by_file.items()):
        raws = {r["id"]: r for r in read_records(data_dir, name, {d["id"] for d in labs})}
        for d in labs:
            group = f"{name}:{d['id']}"
            if group not in records:
                records[group] = analyse(raws[d["id"]], name, rules, shipped)
            rec = records[group]
            index = next(k for k, s in enumerate(rec.lines) if s.start >= d["start"] and s.end <= d["end"])
            span = rec.lines[index]
            rows.append(
                {
                    "group": group,
                    "index": index,
                    "batch": d["batch"],
                    "y": d["label"] != "content",
                    "mixed": d["label"] == "mixed",
                    "rule": found_by(rec.rule_flags + rec.page_flags, d),
                    "touched": touches(rec.rule_flags + rec.page_flags, span),
                    "shipped": found_by(rec.shipped_flags, d),
                    "shipped_touched": touches(rec.shipped_flags + rec.page_flags, span),
                    "category": d["category"],
                    "text": rec.texts[index],
                }
            )
    return records, rows


def weak_records(data_dir: Path, labels_path: Path, per_file: int, seed: int, rules, shipped) -> list[Record]:
    """Up to ``per_file`` seeded-shuffled records per file that are in no labelled batch (any split)."""
    with open(labels_path, encoding="utf-8") as fh:
        labelled = {json.loads(line)["id"] for line in fh if line.strip()}  # ids only, to skip those records
    out = []
    for name in FILES:
        pool = [r for r in read_records(data_dir, name) if r["id"] not in labelled and r["text"].strip()]
        random.Random(f"{seed}:{name}").shuffle(pool)
        out += [analyse(r, name, rules, shipped) for r in pool[:per_file]]
    return out


def weak_labels(rec: Record, clean: bool) -> np.ndarray:
    """Per line: 1 (a rule flag covers half of it), 0 (prose no flag touches, or any unflagged line of a
    clean record), -1 (left out)."""
    out = np.full(len(rec.lines), -1)
    for i, span in enumerate(rec.lines):
        if covers_half(rec.rule_flags, span):
            out[i] = 1
        elif not touches(rec.rule_flags, span) and (clean or is_prose(rec.texts[i])):
            out[i] = 0
    return out


def split_bbc(data_dir: Path, seed: int) -> tuple[list[dict], list[dict]]:
    raws = read_records(data_dir, "bbc.jsonl.gz")
    random.Random(f"{seed}:bbc").shuffle(raws)
    half = len(raws) // 2
    return raws[:half], raws[half:]


def report(name: str, pred: np.ndarray, y: np.ndarray) -> str:
    p, r, tp, fp, fn = precision_recall(pred, y)
    return f"{name:44} P {p:.3f} R {r:.3f} (tp {tp} fp {fp} fn {fn})"


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--labels", type=Path, default=ROOT / "benchmarks" / "labels" / "artifact_lines.jsonl")
    ap.add_argument("--cache-dir", default=str(ROOT / ".cache" / "embeddings"))
    ap.add_argument("--backend", default="onnx", choices=("onnx", "torch"))
    ap.add_argument("--weak-per-file", type=int, default=150, help="unlabelled records per file for weak labels")
    ap.add_argument("--bbc-train", type=int, default=500, help="bbc records of the training half used as negatives")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--C", type=float, default=0.05)
    ap.add_argument(
        "--labelled-weight", type=float, default=3.0, help="weight of a hand-labelled line next to weak ones"
    )
    ap.add_argument("--surface", action="store_true", help="add the shipped line features to the embedding")
    ap.add_argument("--min-precision", type=float, default=0.97)
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--inner-folds", type=int, default=5)
    ap.add_argument("--variants", nargs="+", default=["labelled", "weak", "weak+labelled"])
    ap.add_argument("--no-controls", action="store_true")
    ap.add_argument("--oof-only", action="store_true", help="stop after the out-of-fold part (batch 8 not scored)")
    ap.add_argument("--misses", action="store_true", help="list artifact lines the combination still misses")
    ap.add_argument("--cost", type=int, default=0, help="only measure the cost on the first N fnc1 records")
    ap.add_argument("--repeats", type=int, default=2, help="timed repeats for --cost (best kept)")
    args = ap.parse_args(argv)
    embedder = Embedder(cache_dir=args.cache_dir or None, backend=args.backend)
    if args.cost:
        measure_cost(args.data, args.cost, embedder, args.repeats)
        return
    log = sys.stderr
    rules, shipped = ArtifactDetector(line_model=None), ArtifactDetector()
    line_model = load_line_model()
    wanted = set(TRAIN_BATCHES) | {FRESH_BATCH}
    labels = [d for d in load_dev_labels(args.labels) if d.get("batch") in wanted]
    records, rows = dev_rows(labels, args.data, rules, shipped)
    weak = weak_records(args.data, args.labels, args.weak_per_file, args.seed, rules, shipped)
    bbc_train_raw, bbc_control_raw = split_bbc(args.data, args.seed)
    bbc_train = [analyse(r, "bbc.jsonl.gz", rules, shipped) for r in bbc_train_raw[: args.bbc_train]]
    t0 = time.time()
    embed_records(list(records.values()) + weak + bbc_train, embedder)
    print(
        f"embedded {sum(len(r.texts) for r in list(records.values()) + weak + bbc_train)} lines "
        f"in {time.time() - t0:.0f} s ({args.backend})",
        file=log,
    )

    # labelled design
    x = np.array([line_rows(records[r["group"]], args.surface)[r["index"]] for r in rows])
    y = np.array([r["y"] for r in rows])
    batch = np.array([r["batch"] for r in rows])
    groups = np.array([r["group"] for r in rows])
    fit_mask = ~np.array([r["mixed"] for r in rows])
    rule = np.array([r["rule"] for r in rows])
    touched = np.array([r["touched"] for r in rows])
    train = np.isin(batch, TRAIN_BATCHES)
    fresh = batch == FRESH_BATCH

    # existing detector: out of fold on batches 2-7 (shipped setting), shipped model on batch 8
    info = line_model.info
    surf = np.array([records[r["group"]].surface[r["index"]] for r in rows])
    words = word_matrix([r["text"] for r in rows])
    tr = np.flatnonzero(train)
    base_probs = np.zeros(len(y))
    base_probs[tr] = out_of_fold(
        surf[tr], words[tr], y[tr], fit_mask[tr], groups[tr], info["C"], info["word_scale"], info["min_records"], 20
    )
    base = np.zeros(len(y), dtype=bool)
    base[tr] = combined(rule[tr], touched[tr], base_probs[tr], line_model.threshold)
    base_touched = touched | base
    base[fresh] = np.array([r["shipped"] for r in rows])[fresh]
    base_touched[fresh] = np.array([r["shipped_touched"] for r in rows])[fresh]

    # weak design
    weak_x, weak_y = [], []
    for rec, clean in [(r, False) for r in weak] + [(r, True) for r in bbc_train]:
        labs = weak_labels(rec, clean)
        keep = labs >= 0
        if keep.any():
            weak_x.append(line_rows(rec, args.surface)[keep])
            weak_y.append(labs[keep] == 1)
    wx, wy = np.vstack(weak_x), np.concatenate(weak_y)
    print(
        f"dev batches {TRAIN_BATCHES}: {int(train.sum())} lines, {int(y[train].sum())} artifact, "
        f"{len(set(groups[train]))} records; batch {FRESH_BATCH}: {int(fresh.sum())} lines, {int(y[fresh].sum())} "
        f"artifact; weak: {len(wy)} lines, {int(wy.sum())} positive ({len(weak)} unlabelled records, "
        f"{len(bbc_train)} bbc records); features {x.shape[1]}; C={args.C:g}",
        file=log,
    )

    def fit(variant: str, lab_idx: np.ndarray) -> EmbeddingModel:
        lab_idx = lab_idx[fit_mask[lab_idx]]
        parts_x, parts_y, parts_w = [], [], []
        if variant in ("labelled", "weak+labelled"):
            parts_x.append(x[lab_idx])
            parts_y.append(y[lab_idx])
            parts_w.append(np.full(len(lab_idx), args.labelled_weight if variant != "labelled" else 1.0))
        if variant in ("weak", "weak+labelled"):
            parts_x.append(wx)
            parts_y.append(wy)
            parts_w.append(np.ones(len(wy)))
        return EmbeddingModel.fit(np.vstack(parts_x), np.concatenate(parts_y), args.C, np.concatenate(parts_w))

    print(f"\n== out of fold, dev batches {TRAIN_BATCHES} ({args.folds} folds by record, t_e from inner folds)")
    print(report("existing detector (rules OR line model, OOF)", base[tr], y[tr]))
    results = {}
    for variant in args.variants:
        oof = np.zeros(len(y))
        pred = base.copy()
        thresholds = []
        weak_model = fit("weak", np.array([], dtype=int)) if variant == "weak" else None
        for a, b in GroupKFold(n_splits=args.folds).split(tr, y[tr], groups[tr]):
            outer_train, outer_test = tr[a], tr[b]
            if weak_model is not None:
                inner = weak_model.predict(x[outer_train])
                oof[outer_test] = weak_model.predict(x[outer_test])
            else:
                inner = np.zeros(len(y))
                for c, d in GroupKFold(n_splits=args.inner_folds).split(outer_train, groups=groups[outer_train]):
                    inner[outer_train[d]] = fit(variant, outer_train[c]).predict(x[outer_train[d]])
                inner = inner[outer_train]
                oof[outer_test] = fit(variant, outer_train).predict(x[outer_test])
            t = choose_threshold(
                inner, base[outer_train], base_touched[outer_train], y[outer_train], args.min_precision
            )
            thresholds.append(t)
            pred[outer_test] = base[outer_test] | ((oof[outer_test] >= t) & ~base_touched[outer_test])
        ap_ = average_precision_score(y[tr], oof[tr])
        print(
            report(f"OR embedding [{variant}]", pred[tr], y[tr]) + f"; model alone AP {ap_:.3f}; "
            f"t_e per fold {min(thresholds):.2f}-{max(thresholds):.2f}"
        )
        results[variant] = (oof, pred)
    print_residual(results, base_probs, base_touched, y, tr, x)

    if args.oof_only:
        return
    print(f"\n== fresh check: fitted on batches {TRAIN_BATCHES}, scored on batch {FRESH_BATCH}")
    print(report("existing detector (shipped)", base[fresh], y[fresh]))
    finals = {}
    for variant in args.variants:
        oof, _ = results[variant]
        t = choose_threshold(oof[tr], base[tr], base_touched[tr], y[tr], args.min_precision)
        model = fit(variant, tr)
        probs = model.predict(x[fresh])
        pred = base[fresh] | ((probs >= t) & ~base_touched[fresh])
        print(report(f"OR embedding [{variant}] t_e={t:.2f}", pred, y[fresh]))
        finals[variant] = (model, t)
        if args.misses:
            for i in np.flatnonzero(fresh):
                j = int(np.flatnonzero(np.flatnonzero(fresh) == i)[0])
                if y[i] != pred[j] or (y[i] and not base[i]):
                    r = rows[i]
                    print(f"   y={int(y[i])} base={int(base[i])} p={probs[j]:.2f} {r['category']}: {r['text'][:70]!r}")
    if args.misses:
        print_oof_misses(rows, results, base, y, tr)
    if not args.no_controls:
        controls(args, finals, bbc_control_raw, rules, shipped, embedder)


def print_residual(
    results: dict, base_probs: np.ndarray, base_touched: np.ndarray, y: np.ndarray, tr: np.ndarray, x: np.ndarray
) -> None:
    """How well each score ranks the artifact lines the existing detector leaves (out of fold): the lines no
    flag of it touches, their average precision, and the artifact lines among the top 5 / 10 / 25. The
    similarity features alone (low cosine to the record's other lines or to its title: off-topic) too."""
    rest = tr[~base_touched[tr]]
    print(
        f"\nresidual (batches {TRAIN_BATCHES}, no existing flag touches): {len(rest)} lines, "
        f"{int(y[rest].sum())} artifact"
    )
    scores = {"shipped line model (OOF)": base_probs} | {f"embedding [{v}]": oof for v, (oof, _) in results.items()}
    scores["low centroid cosine alone"] = -x[:, EMBEDDING_DIM + SIM_NAMES.index("centroid_cosine")]
    scores["low title cosine alone"] = -x[:, EMBEDDING_DIM + SIM_NAMES.index("title_cosine")]
    for name, s in scores.items():
        order = rest[np.argsort(-s[rest], kind="stable")]
        tops = " / ".join(str(int(y[order[:k]].sum())) for k in (5, 10, 25))
        print(f"{name:44} AP {average_precision_score(y[rest], s[rest]):.3f}; artifact in top 5 / 10 / 25: {tops}")


def print_oof_misses(rows: list[dict], results: dict, base: np.ndarray, y: np.ndarray, tr: np.ndarray) -> None:
    """Dev lines (batches 2-7) the embedding adds, wrongly or rightly, out of fold."""
    for variant, (oof, pred) in results.items():
        print(f"\n-- lines the embedding adds out of fold [{variant}]")
        for i in tr:
            if pred[i] and not base[i]:
                r = rows[i]
                print(f"   y={int(y[i])} p={oof[i]:.2f} b{r['batch']} {r['category']}: {r['text'][:70]!r}")


def controls(args, finals: dict, bbc_control_raw: list[dict], rules, shipped, embedder: Embedder) -> None:
    """Lines flagged by the shipped detector, and added by each final embedding model, on clean corpora."""
    print("\n== controls (shipped detector flags; + lines each batch-8 model adds at its t_e)")
    corpora = {
        "bbc (held-out half)": ("bbc.jsonl.gz", bbc_control_raw),
        "perezrosas": ("perezrosas.jsonl.gz", read_records(args.data, "perezrosas.jsonl.gz")),
    }
    for label, (name, raws) in corpora.items():
        recs = [analyse(r, name, rules, shipped) for r in raws]
        embed_records(recs, embedder)
        n_lines = sum(len(r.lines) for r in recs)
        flagged = sum(covers_half(r.shipped_flags, s) for r in recs for s in r.lines)
        added = collections.Counter()
        examples = collections.defaultdict(list)
        for rec in recs:
            free = np.array([not touches(rec.shipped_flags + rec.page_flags, s) for s in rec.lines])
            if not free.any():
                continue
            xr = line_rows(rec, args.surface)
            for variant, (model, t) in finals.items():
                hits = np.flatnonzero((model.predict(xr) >= t) & free)
                added[variant] += len(hits)
                examples[variant] += [rec.texts[i][:80] for i in hits[:2]]
        print(
            f"{label}: {n_lines} lines, shipped detector flags {flagged}; added: "
            + ", ".join(f"{v} +{added[v]} (t_e {finals[v][1]:.2f})" for v in finals)
        )
        if args.misses:
            for v, ex in examples.items():
                for e in ex[:8]:
                    print(f"   [{v}] {e!r}")


def measure_cost(data_dir: Path, n: int, embedder: Embedder, repeats: int = 2) -> None:
    """Extra lines to embed per article (untouched by artifact flags, not already a paragraph, sentence or
    headline the scorer embeds, plus the record's title where the scorer does not embed it) and the time to
    embed them vs what the scorer embeds now (no cache, one untimed warm-up text, best of ``repeats``)."""
    from coherence.scorer import Scorer

    scorer = Scorer()
    raws = read_records(data_dir, "fnc1_bodies.jsonl.gz")[:n]
    now, extra, candidates = [], [], 0
    for raw in raws:
        analysis = scorer.prepare(Article(raw["id"], raw["text"], raw.get("title")))
        if not hasattr(analysis, "texts_to_embed"):
            continue
        embedded = analysis.texts_to_embed()
        present = set(embedded)
        flags = [f for f in analysis.flags if f.kind == "artifact"]
        free = [s.text(analysis.text) for s in split_lines(analysis.text) if not touches(flags, s)]
        candidates += len(free)
        now.append(embedded)
        title = (raw.get("title") or "").strip()
        extra.append([t for t in free if t not in present] + ([title] if title and title not in present else []))
    n_ok = len(now)
    n_now, n_extra = sum(map(len, now)), sum(map(len, extra))
    print(
        f"{n_ok} fnc1 articles: lines no artifact flag touches {candidates} ({candidates / n_ok:.1f} per article); "
        f"scorer embeds {n_now} texts ({n_now / n_ok:.1f} per article); lines not among them {n_extra} "
        f"({n_extra / n_ok:.2f} per article, record titles the scorer does not embed included)"
    )
    plain = Embedder(backend=embedder.backend).load()
    plain.encode(["warm up"])
    for name, texts in (
        ("scorer's texts now", [t for ts in now for t in ts]),
        ("extra lines", [t for ts in extra for t in ts]),
    ):
        best = min(_timed(plain, texts) for _ in range(repeats))
        print(
            f"{name}: {len(texts)} texts, {best:.2f} s wall ({embedder.backend}), "
            f"{1000 * best / n_ok:.1f} ms per article"
        )


def _timed(embedder: Embedder, texts: list[str]) -> float:
    t = time.perf_counter()
    embedder.encode(list(dict.fromkeys(texts)))
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
