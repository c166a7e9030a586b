"""Fit the drift detector's off-topic unit model on the dev half of the BBC splice benchmark.

    python -m coherence.training.train_drift [--data ../shared/data] [--budget 0.015] \\
        [--heads boosted|logistic] [--also-budgets 0.02 ...] [-o coherence/data/drift_model.json]

Run from the repository root (it builds documents with :mod:`benchmarks.drift.splices`; the
embeddings come from the benchmark's on-disk cache). Only the DEV half of the BBC splice benchmark
is read, and of it only the articles outside the quality benchmark's test split
(:func:`coherence.training.data.split_of`), so the quality test split holds nothing the drift model
was fitted on. Each of these articles is assigned to a fold and gives three documents
(unmodified, different-topic and same-topic splice) with donors from its own fold
(:func:`benchmarks.drift.splices.build_groups`); the test half is never read.

Heads (``--heads``): ``boosted`` (the default since session 6) fits scikit-learn's
``HistGradientBoostingClassifier`` (``BOOSTED_SETTINGS`` in :mod:`coherence.detectors.drift_model`,
``l2_regularization = 1 / C``) and saves its trees as JSON; ``logistic`` fits an L2 logistic regression
(the shipped kind until session 5).

1. Paragraph rows: every paragraph's measurements against all the other paragraphs (nothing
   flagged yet), labelled 1 when at least half of it was spliced in. ``C`` of the head is chosen by
   grouped cross-validation (folds by source article, so no source's three documents are split) on
   out-of-fold log loss.
2. For each paragraph threshold: out-of-fold paragraph flags (the fold's model, with the
   detector's re-measuring rounds), then sentence rows measured against the paragraphs not
   flagged, a sentence head fitted in the same folds, and out-of-fold sentence probabilities.
3. Thresholds: the (paragraph, sentence) pair with the best mean of the different- and same-topic
   unit F1 whose share of unmodified articles with any flag is at most ``--budget``, all out of fold
   (the best pair at a few other budgets is printed too; ``--also-budgets`` saves those models as well).
4. The heads are refitted on all the dev rows (the no-headline heads on the same rows without the
   headline columns) and saved with the chosen thresholds and the cross-validated numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coherence.detectors.drift import DriftDetector
from coherence.detectors.drift_model import BOOSTED_SETTINGS, UnitModel

PARAGRAPH_FEATURES = (
    "topic",
    "topic_median",
    "far",
    "outside",
    "segment_share",
    "closest",
    "neighbour_max",
    "neighbour_min",
    "lexical",
    "lexical_median",
    "names",
    "log_names",
    "capitalised",
    "punctuation",
    "headline",
    "headline_median",
    "evidence",
    "length",
    "edge",
    "log_units",
)
SENTENCE_FEATURES = (
    "other_paragraphs",
    "other_paragraphs_median",
    "local",
    "local_median",
    "lexical",
    "lexical_median",
    "sentences",
    "sentences_median",
    "names",
    "names_median",
    "log_names",
    "headline",
    "headline_median",
    "closest",
    "neighbour_max",
    "neighbour_min",
    "evidence",
    "length",
    "paragraph_edge",
    "alone",
    "log_paragraph_sentences",
    "article_edge",
    "log_units",
    # since session 6 (in the bundled model): one sentence spliced inside a paragraph
    # (drift.splice_measurements); --without these four gives the feature set of the models before them
    "local_break",
    "paragraph_fit",
    "lexical_paragraph_gap",
    "names_paragraph_gap",
    # since session 7 (in the bundled model): one-sided views where the four above are 0 or reach across a
    # paragraph break (a paragraph's last sentence, two-sentence paragraphs); --without these three gives
    # session 6's feature set
    "back_break",
    "forward_break",
    "neighbour_paragraph_gap",
)
NO_HEADLINE_DROPS = {"headline", "headline_median", "evidence"}  # paragraph evidence uses the headline
C_GRID = (0.01, 0.1, 1.0)
PARAGRAPH_THRESHOLDS = (0.7, 0.8, 0.85, 0.875, 0.9, 0.925, 0.95)
OTHER_BUDGETS = (0.01, 0.015, 0.02, 0.025, 0.03)  # printed for comparison
SENTENCE_THRESHOLDS = tuple(np.round(np.arange(0.3, 0.991, 0.01), 2))
ROOT = Path(__file__).resolve().parents[2]


def features_of(head: str, without: Sequence[str] = ()) -> list[str]:
    """The inputs of one head (see :data:`coherence.detectors.drift_model.HEADS`), less ``without``."""
    names = PARAGRAPH_FEATURES if head.startswith("paragraph") else SENTENCE_FEATURES
    drops = set(without)
    if head.endswith("no_headline"):
        drops |= NO_HEADLINE_DROPS if head.startswith("paragraph") else {"headline", "headline_median"}
    return [n for n in names if n not in drops]


def unit_labels(spans: Sequence, gold: Sequence[tuple[int, int]]) -> np.ndarray:
    """1 for a unit of which at least half lies in the gold (spliced) spans."""
    out = np.zeros(len(spans))
    for k, span in enumerate(spans):
        inside = sum(max(0, min(span.end, b) - max(span.start, a)) for a, b in gold)
        out[k] = float(inside >= 0.5 * (span.end - span.start))
    return out


def rows_of(measurements: dict[str, np.ndarray] | None, features: Sequence[str], n: int) -> np.ndarray:
    if measurements is None:
        return np.full((n, len(features)), np.nan)
    return np.column_stack([np.broadcast_to(measurements[f], (n,)) for f in features])


def nan_counts(rows: np.ndarray, features: Sequence[str]) -> dict[str, int]:
    """Number of rows with a NaN in each feature (features without NaN left out)."""
    counts = np.isnan(rows).sum(axis=0)
    return {f: int(c) for f, c in zip(features, counts, strict=True) if c}


def check_nan_rows(rows: np.ndarray, features: Sequence[str], level: str, max_share: float) -> int:
    """Rows of measured units with a NaN measurement, which a head would silently leave out of its fit
    and its scoring: a warning with counts by feature on stderr, and a ``ValueError`` when their share of
    the rows exceeds ``max_share``. Returns the number of such rows."""
    bad = int(np.isnan(rows).any(axis=1).sum())
    if bad:
        share = bad / max(1, len(rows))
        message = (
            f"{level} rows: {bad} of {len(rows)} ({share:.2%}) have a NaN measurement and would be skipped "
            f"by the heads; by feature: {nan_counts(rows, features)}"
        )
        if share > max_share:
            raise ValueError(message + f" (more than --max-nan-share {max_share})")
        print(f"warning: {message}", file=sys.stderr, flush=True)
    return bad


def sentence_positions(units) -> list[tuple[str, str]]:
    """(place in its paragraph: first / middle / last / alone, paragraph length: 1 / 2 / 3+) of each sentence."""
    owner = np.asarray(units.sentence_paragraph)
    out = []
    for j, p in enumerate(owner):
        members = np.flatnonzero(owner == p)
        k = int(np.searchsorted(members, j))
        size = len(members)
        place = "alone" if size == 1 else "first" if k == 0 else "last" if k == size - 1 else "middle"
        out.append((place, str(size) if size < 3 else "3+"))
    return out


def recall_by_position(docs, analyses, flags, sent_labels) -> dict[tuple[str, str, str], tuple[int, int]]:
    """Single-sentence splices found / spliced, by (relation, place in the paragraph, paragraph length)
    of the sentence unit(s) labelled spliced; a gold splice is found as in :func:`benchmarks.drift.splices.match`."""
    from benchmarks.drift.splices import match

    out: dict[tuple[str, str, str], list[int]] = {}
    for d, a, f, labels in zip(docs, analyses, flags, sent_labels, strict=True):
        if d.kind != "sentence":
            continue
        spliced = np.flatnonzero(labels)
        place, size = sentence_positions(a.units)[spliced[0]] if len(spliced) else ("unlabelled", "-")
        _, _, found, gold = match(d.gold, f)
        row = out.setdefault((d.relation, place, size), [0, 0])
        row[0] += found
        row[1] += gold
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def print_recall_by_position(table: dict[tuple[str, str, str], tuple[int, int]], prefix: str) -> None:
    for (relation, place, size), (found, gold) in table.items():
        print(
            f"{prefix}: sentence splices, {relation} topic, {place} of a {size}-sentence paragraph: "
            f"found {found} of {gold} (recall {found / max(1, gold):.2f})"
        )


HEAD_KINDS = {"boosted": "trees", "logistic": "logistic"}  # --heads: the kind of UnitModel.fit_head


def fit_predict(rows, labels, train, test, features, C, kind: str = "logistic") -> tuple[dict, np.ndarray]:
    """A head fitted on the ``train`` rows; its probabilities on the ``test`` rows."""
    head = UnitModel.fit_head(rows[train], labels[train], features, C=C, kind=kind)
    model = UnitModel(heads={"h": head})
    return head, model.probability("h", {f: rows[test][:, k] for k, f in enumerate(features)}, int(test.sum()))


def folds_of(sources: Sequence[str], k: int, seed: int = 13) -> np.ndarray:
    """Fold of each document, by source article."""
    unique = sorted(set(sources))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(unique))
    fold = {s: int(order[n] % k) for n, s in enumerate(unique)}
    return np.array([fold[s] for s in sources])


class Trainer:
    """The dev documents, their analyses and unit labels, and the detector runs on them."""

    def __init__(self, docs, analyses, scorer, folds: np.ndarray, max_nan_share: float = 0.0) -> None:
        self.docs, self.analyses, self.scorer, self.folds = docs, analyses, scorer, folds
        self.max_nan_share = max_nan_share
        self.par_labels = [unit_labels(a.units.paragraphs, d.gold) for d, a in zip(docs, analyses, strict=True)]
        self.sent_labels = [unit_labels(a.units.sentences, d.gold) for d, a in zip(docs, analyses, strict=True)]

    def detect(self, model: UnitModel, indices: Sequence[int]) -> dict[int, object]:
        self.scorer.drift_detector = DriftDetector(unit_model=model)
        return {i: self.scorer.detect_drift(self.analyses[i]) for i in indices}

    def stack(self, results: dict[int, object], level: str, features: Sequence[str]):
        """(rows, labels, (document, unit) of each row, rows to train on) of the units the model
        scores: long enough, in an article with enough units, and (sentences) not in a flagged paragraph."""
        rows, labels, where, train, measured = [], [], [], [], []
        detector = DriftDetector()
        for i, r in sorted(results.items()):
            a = self.analyses[i]
            spans = a.units.paragraphs if level == "paragraph" else a.units.sentences
            m = r.paragraph_measurements if level == "paragraph" else r.sentence_measurements
            X = rows_of(m, features, len(spans))
            words = np.array([len(a.text[s.start : s.end].split()) for s in spans])
            if m is not None:  # no measurements at all: the detector does not score the article's units either
                measured.append(X[words >= detector.min_words])
            keep = (words >= detector.min_words) & ~np.isnan(X).any(axis=1)
            if level == "sentence":
                flagged = [o.index for o in r.offtopic_paragraphs]
                keep &= ~np.isin(np.asarray(a.units.sentence_paragraph), flagged)
                # Spliced paragraphs are the paragraph head's job: their sentences vouch for each
                # other locally and would teach the sentence head to distrust local coherence.
                train.append(self.par_labels[i][np.asarray(a.units.sentence_paragraph)][keep] == 0)
            else:
                train.append(np.ones(int(keep.sum()), dtype=bool))
            rows.append(X[keep])
            labels.append((self.par_labels if level == "paragraph" else self.sent_labels)[i][keep])
            where += [(i, int(j)) for j in np.flatnonzero(keep)]
        if measured:
            check_nan_rows(np.vstack(measured), features, level, self.max_nan_share)
        return np.vstack(rows), np.concatenate(labels), where, np.concatenate(train)

    def flags(self, results: dict[int, object], sentence_threshold: float) -> list[list[tuple[int, int]]]:
        """Flagged spans of each document."""
        out = []
        for i in range(len(self.docs)):
            r, units = results[i], self.analyses[i].units
            spans = [units.paragraphs[o.index] for o in r.offtopic_paragraphs]
            prob = np.nan_to_num(r.sentence_probability, nan=-np.inf) if r.sentence_probability is not None else []
            spans += [units.sentences[j] for j in np.flatnonzero(np.asarray(prob) >= sentence_threshold)]
            out.append([(s.start, s.end) for s in spans])
        return out


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m coherence.training.train_drift``."""
    parser = argparse.ArgumentParser(
        prog="python -m coherence.training.train_drift", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache-dir", default=str(ROOT / ".cache" / "embeddings"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--budget", type=float, default=0.015, help="most unmodified dev articles flagged (CV); 0.02 until session 4"
    )
    parser.add_argument(
        "--also-budgets",
        type=float,
        nargs="*",
        default=[],
        help="also save the model chosen at these budgets, as OUTPUT_STEM.budgetB.json",
    )
    parser.add_argument("--without", nargs="*", default=[], help="measurements left out (ablation)")
    parser.add_argument(
        "--heads",
        choices=sorted(HEAD_KINDS),
        default="boosted",
        help="gradient-boosted trees (default since session 6) or logistic regressions (until session 5)",
    )
    parser.add_argument(
        "--keep-quality-test", action="store_true", help="also train on the quality test split's articles"
    )
    parser.add_argument(
        "--paragraph-thresholds",
        type=float,
        nargs="+",
        default=list(PARAGRAPH_THRESHOLDS),
        help="paragraph thresholds tried (a shorter list for quick dev comparisons)",
    )
    parser.add_argument(
        "--max-nan-share",
        type=float,
        default=0.0,
        help="most rows of measured units with a NaN measurement (skipped by the heads) before training fails",
    )
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "coherence" / "data" / "drift_model.json")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    kind = HEAD_KINDS[args.heads]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    from benchmarks.drift import splices
    from benchmarks.drift.__main__ import prepare_splices
    from benchmarks.drift.embed import CachedEmbedder
    from coherence import Scorer
    from coherence.training.data import split_of

    scorer = Scorer(embedder=CachedEmbedder(cache_dir=args.cache_dir))
    articles = [
        a for a in splices.half_articles(args.data, "dev") if args.keep_quality_test or split_of(a["id"]) != "test"
    ]
    groups = list(folds_of([a["id"] for a in articles], args.folds))
    docs = splices.build_groups(articles, groups, "dev")
    analyses = prepare_splices(docs, scorer)
    folds = folds_of([d.source_id for d in docs], args.folds)
    print(f"{len(articles)} dev articles, {len(docs)} documents", flush=True)
    t = Trainer(docs, analyses, scorer, folds, args.max_nan_share)
    every = range(len(docs))

    # 1. Paragraph rows, nothing flagged; C by out-of-fold log loss.
    base = t.detect(UnitModel(heads={}), every)
    pfeat = features_of("paragraph", args.without)
    P, py, pwhere, _ = t.stack(base, "paragraph", pfeat)
    pfold = folds[[i for i, _ in pwhere]]
    best_c, best_loss = C_GRID[0], np.inf
    for C in C_GRID:
        oof = np.zeros(len(py))
        for k in range(args.folds):
            _, oof[pfold == k] = fit_predict(P, py, pfold != k, pfold == k, pfeat, C, kind)
        loss = log_loss(oof, py)
        print(f"paragraph C={C}: out-of-fold log loss {loss:.4f}", flush=True)
        if loss < best_loss:
            best_c, best_loss = C, loss
    par_heads = [
        UnitModel.fit_head(P[pfold != k], py[pfold != k], pfeat, C=best_c, kind=kind) for k in range(args.folds)
    ]

    # 2-3. Paragraph thresholds; sentence rows and heads out of fold; thresholds by the budget.
    sfeat = features_of("sentence", args.without)
    best = None
    at_budget: dict[float, tuple] = {}
    tracked = sorted({*OTHER_BUDGETS, *args.also_budgets})
    for pt in args.paragraph_thresholds:
        results = {}
        for k in range(args.folds):
            model = UnitModel(heads={"paragraph": par_heads[k]}, paragraph_threshold=pt, sentence_threshold=np.inf)
            results |= t.detect(model, [i for i in every if folds[i] == k])
        S, sy, swhere, strain = t.stack(results, "sentence", sfeat)
        sfold = folds[[i for i, _ in swhere]]
        for C in C_GRID:
            oof = np.zeros(len(sy))
            for k in range(args.folds):
                _, oof[sfold == k] = fit_predict(S, sy, (sfold != k) & strain, sfold == k, sfeat, C, kind)
            for i in every:
                results[i].sentence_probability = np.full(len(analyses[i].units.sentences), np.nan)
            for (i, j), p in zip(swhere, oof, strict=True):
                results[i].sentence_probability[j] = p
            here = None
            for st in SENTENCE_THRESHOLDS:
                flags = t.flags(results, st)
                ev = splices.evaluate(docs, flags, [0.0] * len(docs))
                value = (ev["different"]["f1"] + ev["same"]["f1"]) / 2
                if ev["unmodified_flagged"] <= args.budget and (here is None or value > here[0]):
                    here = (value, pt, st, C, ev, flags)
                for b in tracked:
                    if ev["unmodified_flagged"] <= b and (b not in at_budget or value > at_budget[b][0]):
                        at_budget[b] = (value, pt, st, C, ev, flags)
            if here is None:
                print(f"paragraph threshold {pt}, sentence C={C}: nothing within the budget", flush=True)
                continue
            ev = here[4]
            print(
                f"paragraph threshold {pt}, sentence C={C}: best sentence threshold {here[2]}: "
                f"F1 {ev['different']['f1']:.3f} / {ev['same']['f1']:.3f} (mean {here[0]:.3f}), "
                f"unmodified flagged {ev['unmodified_flagged']:.3f}",
                flush=True,
            )
            if best is None or here[0] > best[0]:
                best = here
    for b, (_value, pt, st, C, ev, _flags) in sorted(at_budget.items()):
        print(
            f"budget {b:.3f}: paragraph {pt}, sentence {st} (C {C}): F1 {ev['different']['f1']:.3f} / "
            f"{ev['same']['f1']:.3f}, unmodified flagged {ev['unmodified_flagged']:.4f}"
        )
    if best is None:
        print("no setting within the budget", file=sys.stderr)
        return 1
    command = " ".join(["python -m coherence.training.train_drift", *(sys.argv[1:] if argv is None else argv)])
    outputs = [(args.budget, args.output, best)]
    for b in args.also_budgets:
        if b not in at_budget:
            print(f"budget {b}: no setting within it", file=sys.stderr)
            continue
        outputs.append((b, args.output.with_name(f"{args.output.stem}.budget{b}{args.output.suffix}"), at_budget[b]))
    for budget, output, (_value, pt, st, sentence_c, ev, oof_flags) in outputs:
        # 4. Final heads on all dev rows.
        results = {}
        for k in range(args.folds):
            model = UnitModel(heads={"paragraph": par_heads[k]}, paragraph_threshold=pt, sentence_threshold=np.inf)
            results |= t.detect(model, [i for i in every if folds[i] == k])
        S, sy, _, strain = t.stack(results, "sentence", sfeat)
        S, sy = S[strain], sy[strain]
        heads = {}
        for head in ("paragraph", "paragraph_no_headline", "sentence", "sentence_no_headline"):
            rows, labels, names = (P, py, pfeat) if head.startswith("paragraph") else (S, sy, sfeat)
            wanted = features_of(head, args.without)
            cols = [names.index(f) for f in wanted]
            heads[head] = UnitModel.fit_head(
                rows[:, cols], labels, wanted, C=best_c if head.startswith("paragraph") else sentence_c, kind=kind
            )
        final = UnitModel(heads=heads, paragraph_threshold=pt, sentence_threshold=st)
        cv = {
            "different_f1": round(ev["different"]["f1"], 4),
            "same_f1": round(ev["same"]["f1"], 4),
            "different_precision": round(ev["different"]["precision"], 4),
            "different_recall": round(ev["different"]["recall"], 4),
            "same_precision": round(ev["same"]["precision"], 4),
            "same_recall": round(ev["same"]["recall"], 4),
            "unmodified_flagged": round(ev["unmodified_flagged"], 4),
        }
        final.save(
            output,
            trained=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
            command=command,
            data=(
                f"BBC splice benchmark, dev half only: {len(articles)} articles"
                f"{'' if args.keep_quality_test else ' outside the quality test split'}, {len(docs)} documents"
            ),
            head_kind=(
                f"boosted: HistGradientBoostingClassifier {BOOSTED_SETTINGS}, l2_regularization 1 / C"
                if kind == "trees"
                else "logistic: L2 logistic regression on standardised rows"
            ),
            paragraph_C=best_c,
            sentence_C=sentence_c,
            cross_validation=f"{args.folds} folds by article (donors from the same fold), budget {budget}",
            cv_out_of_fold=cv,
        )
        for relation in ("different", "same"):
            kinds = ", ".join(f"{k} {ev[relation][k]['recall']:.2f}" for k in splices.SPLICE_KINDS)
            print(f"budget {budget}: out-of-fold recall, {relation} topic: {kinds}")
        table = recall_by_position(docs, analyses, oof_flags, t.sent_labels)
        print_recall_by_position(table, f"budget {budget}, out of fold")
        print(f"budget {budget}: paragraph threshold {pt}, sentence threshold {st}, C {best_c} / {sentence_c}; CV {cv}")
        print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
