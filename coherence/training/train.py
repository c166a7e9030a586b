"""Fit the quality model on generated defects of clean TRAIN articles and write it as JSON.

    python -m coherence.training.train --data ../shared/data -o coherence/data/quality_model.json

Steps: take a fixed sample of clean articles from the train split (:mod:`coherence.training.data`),
make damaged copies (:mod:`coherence.training.corruptions`), score everything with the current
detectors (embeddings cached on disk, so a retrain after a detector change costs detector time
only), fit the paragraph-position probe (:mod:`coherence.detectors.position`) on the clean
articles' paragraph vectors (its signal on the training records is cross-fitted: each record is
scored by a probe fitted without its source article, as the held-out articles will be), turn
the signals into features (:mod:`coherence.scoring`) and fit a logistic regression on each feature
and on each feature times ``1 / sqrt(content paragraphs)`` (its extra weight in short articles). The
sentence-fit and paragraph-fit models (:mod:`coherence.detectors.unit_fit`) are fitted and
cross-fitted the same way, on clean articles and the single-sentence splices (positives: the
inserted sentence) or the spliced blocks (positives: the inserted paragraphs).
The model is then Platt-calibrated on out-of-fold predictions (the recipe of scikit-learn's
``CalibratedClassifierCV(method="sigmoid", ensemble=False)``, with folds grouped by source
article so an article and its damaged copies never straddle a fold) and the calibration is
folded into the weights, which keeps the model one logistic function whose per-feature
contributions add up to its log-odds.

``clean_quality`` (the same model without the features of defects ``coherence clean`` removes,
:data:`coherence.scoring.REMOVABLE_FEATURES`) is checked out of fold too, against the label "no
generated defect other than those cleaning is meant to remove" (:data:`REMOVABLE_DEFECTS`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coherence.detectors.position import ParagraphPosition
from coherence.detectors.unit_fit import ParagraphFit, SentenceFit, UnitFit
from coherence.scoring import (
    FEATURES,
    MODEL_VERSION,
    REMOVABLE_FEATURES,
    QualityModel,
    quality_features,
    short_article,
)
from coherence.training.corruptions import CORRUPTIONS, build_set
from coherence.training.data import clean_articles
from coherence.training.metrics import expected_calibration_error

#: Kept in session 7: all 1,532 BBC / 227 perezrosas train articles did no better on the same records
#: (out of fold, train split; benchmarks/quality/pool_size_dev.py, history.md "pool size").
DEFAULT_COUNTS = {"bbc": 500, "perezrosas": 200}
#: Generated defects that ``coherence clean`` is meant to remove (artifact lines, repeated headline lines).
REMOVABLE_DEFECTS = ("artifacts", "repeated_headline")


#: The unit-fit models: (scorer attribute, the defect whose inserted units are its positives,
#: the signal it sets, its default output).
UNIT_FITS = {
    "sentence": ("sentence_fit", "splice_sentence", "sentence_splice_logit", "coherence/data/sentence_model.json"),
    "paragraph": ("paragraph_fit", "splice_block", "paragraph_splice_logit", "coherence/data/paragraph_model.json"),
}
UnitInputs = dict[str, tuple[np.ndarray, list[str]]]
#: Settings of the unit-fit models fitted here (see their classes): the sentence model reads the closer adjacent
#: sentence as context too and leaves one-sentence first and last paragraphs to the paragraph evidence (session 8:
#: out of fold unchanged, sentence-splice reasons on real articles 13.9% -> 9.3%; docs/benchmarks/quality.md).
UNIT_FIT_PARAMS: dict[str, dict[str, Any]] = {"sentence": {"local_adjacent": True, "skip_lone_edges": True}}


def score_signals(
    records: Sequence[dict[str, Any]], cache_dir: str | None, log=sys.stderr
) -> tuple[list[dict[str, float] | None], list[np.ndarray | None], list[UnitInputs | None]]:
    """The signals, paragraph vectors and unit-fit inputs (per unit kind: input rows and unit texts)
    of every record (None for one that could not be scored)."""
    from coherence import Scorer
    from coherence.embedding import Embedder

    scorer = Scorer(embedder=Embedder(cache_dir=cache_dir or None))
    for kind, params in UNIT_FIT_PARAMS.items():  # the inputs of the models fitted here
        for name, value in params.items():
            setattr(getattr(scorer, UNIT_FITS[kind][0]), name, value)
    signals: list[dict[str, float] | None] = []
    vectors: list[np.ndarray | None] = []
    units: list[UnitInputs | None] = []
    start = time.time()
    for i, report in enumerate(scorer.score_many(records), start=1):
        failed = report.error or report.analysis is None
        signals.append(None if failed else dict(report.signals))
        vectors.append(None if failed else report.analysis.paragraph_vectors)
        units.append(None if failed else unit_inputs(scorer, report.analysis))
        if i % 200 == 0 or i == len(records):
            print(f"  scored {i}/{len(records)} in {time.time() - start:.0f}s", file=log, flush=True)
    return signals, vectors, units


def unit_inputs(scorer: Any, analysis: Any) -> UnitInputs:
    """The sentence-fit and paragraph-fit input rows of one scored article, with the unit texts."""
    sentences = analysis.units.sentence_texts(analysis.text)
    paragraphs = list(analysis.units.paragraph_texts)
    return {
        "sentence": (scorer.sentence_fit.inputs(analysis.drift, sentences), sentences),
        "paragraph": (
            scorer.paragraph_fit.inputs(
                analysis.drift, analysis.paragraph_vectors, analysis.headline_vector, paragraphs
            ),
            paragraphs,
        ),
    }


def cross_fit_position(
    records: Sequence[dict[str, Any]],
    signals: list[dict[str, float] | None],
    vectors: list[np.ndarray | None],
    alpha: float = 1.0,
    folds: int = 5,
) -> ParagraphPosition:
    """Fit the position probe on the clean records; set each record's ``paragraph_position_corr``
    from a probe fitted on the other folds (grouped by source article). Returns the probe fitted
    on all clean records."""
    groups = [r["id"].split("~")[0] for r in records]
    fold_of = {g: split_fold(g, folds) for g in groups}
    clean = [i for i, r in enumerate(records) if r["label"] == 1 and vectors[i] is not None]
    for fold in range(folds):
        probe = ParagraphPosition.fit([vectors[i] for i in clean if fold_of[groups[i]] != fold], alpha=alpha)
        for i, s in enumerate(signals):
            if s is not None and fold_of[groups[i]] == fold:
                s["paragraph_position_corr"] = probe.order_correlation(vectors[i])
    return ParagraphPosition.fit([vectors[i] for i in clean], alpha=alpha)


def spliced_units(
    records: Sequence[dict[str, Any]], units: list[UnitInputs | None], kind: str, defect: str
) -> list[np.ndarray | None]:
    """Per record, 1 for each unit (sentence or paragraph, ``kind``) that ``defect`` inserted (a unit
    its clean source lacks), 0 for the others; None for records the model is not trained on (other
    defects, records that could not be scored)."""
    source = {r["id"]: set(units[i][kind][1]) for i, r in enumerate(records) if r["label"] == 1 and units[i]}
    out: list[np.ndarray | None] = []
    for r, u in zip(records, units, strict=True):
        own = source.get(r["id"].split("~")[0])
        if u is None or own is None or r["defect"] not in (None, defect):
            out.append(None)
        else:
            out.append(np.array([float(t not in own) for t in u[kind][1]]))
    return out


def cross_fit_unit_fit(
    records: Sequence[dict[str, Any]],
    signals: list[dict[str, float] | None],
    units: list[UnitInputs | None],
    kind: str,
    folds: int = 5,
) -> UnitFit:
    """Fit a unit-fit model (``kind``: "sentence" or "paragraph", see :data:`UNIT_FITS`) on clean
    records and the splices of its defect; set each record's signal from a model fitted on the other
    folds (grouped by source article). Returns the model fitted on all of them."""
    _, defect, signal, _ = UNIT_FITS[kind]
    cls = {"sentence": SentenceFit, "paragraph": ParagraphFit}[kind]
    groups = [r["id"].split("~")[0] for r in records]
    labels = spliced_units(records, units, kind, defect)
    usable = [i for i, lab in enumerate(labels) if lab is not None and len(lab)]

    def fit_on(indices: list[int]) -> UnitFit:
        rows = np.vstack([units[i][kind][0] for i in indices])
        return cls.fit(rows, np.concatenate([labels[i] for i in indices]), **UNIT_FIT_PARAMS.get(kind, {}))

    for fold in range(folds):
        model = fit_on([i for i in usable if split_fold(groups[i], folds) != fold])
        for i, s in enumerate(signals):
            if s is not None and units[i] is not None and split_fold(groups[i], folds) == fold:
                s[signal] = model.max_logit(units[i][kind][0])
    return fit_on(usable)


def split_fold(group: str, folds: int) -> int:
    """A fixed fold for a source article id (SHA-1, independent of record order)."""
    return int(hashlib.sha1(group.encode("utf-8")).hexdigest()[:8], 16) % folds


def fit(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    weights: np.ndarray,
    C: float = 1.0,
    folds: int = 5,
    removable: Sequence[int] = (),
) -> dict[str, Any]:
    """Logistic regression + Platt calibration on grouped out-of-fold logits, folded into one model.

    ``removable``: columns of features of removable defects; ``oof_clean_probability`` is the
    out-of-fold ``clean_quality`` (those columns' contributions left out)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    # regularise every feature alike: fit on features divided by their spread, then unscale
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    X = X / scale
    oof, oof_clean = np.zeros(len(y)), np.zeros(len(y))
    kept = np.ones(X.shape[1])
    kept[list(removable)] = 0.0
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, y, groups):
        lr = LogisticRegression(C=C, max_iter=5000)
        lr.fit(X[train_idx], y[train_idx], sample_weight=weights[train_idx])
        oof[test_idx] = lr.decision_function(X[test_idx])
        oof_clean[test_idx] = lr.decision_function(X[test_idx] * kept)
    platt = LogisticRegression(C=1e6, max_iter=5000)
    platt.fit(oof[:, None], y, sample_weight=weights)
    a, c = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    final = LogisticRegression(C=C, max_iter=5000).fit(X, y, sample_weight=weights)
    return {
        "coef": a * final.coef_[0] / scale,
        "intercept": a * float(final.intercept_[0]) + c,
        "oof_probability": 1.0 / (1.0 + np.exp(-(a * oof + c))),
        "oof_clean_probability": 1.0 / (1.0 + np.exp(-(a * oof_clean + c))),
        "platt": (a, c),
    }


#: A column of the design matrix: (feature, "weight") is the feature itself, (feature, "short") the feature
#: times :func:`coherence.scoring.short_article` (its extra weight in short articles).
Column = tuple[str, str]


def fit_features(
    rows: Sequence[tuple[dict[str, Any], dict[str, float]]],
    names: list[str],
    weights: np.ndarray,
    C: float = 1.0,
    short: bool = True,
) -> tuple[dict[str, Any], list[Column], list[Column]]:
    """:func:`fit` on the features ``names`` of (record, signals) rows and, with ``short``, on each of them
    times :func:`~coherence.scoring.short_article`, dropping columns whose weight comes out positive (or
    that never vary) until none does. Returns (fit result, kept columns, dropped columns)."""
    y = np.array([r["label"] for r, _ in rows])
    groups = np.array([r["id"].split("~")[0] for r, _ in rows])
    values = np.array([[quality_features(s, names)[n] for n in names] for _, s in rows]).reshape(len(rows), len(names))
    factor = np.array([short_article(s) for _, s in rows])

    def column(c: Column) -> np.ndarray:
        return values[:, names.index(c[0])] * (factor if c[1] == "short" else 1.0)

    columns: list[Column] = [(n, "weight") for n in names] + ([(n, "short") for n in names] if short else [])
    dropped: list[Column] = []
    while True:
        X = np.column_stack([column(c) for c in columns])
        removable = [i for i, (n, _) in enumerate(columns) if n in REMOVABLE_FEATURES]
        result = fit(X, y, groups, weights, C=C, removable=removable)
        # a defect sign must never raise quality: drop columns whose weight comes out positive
        positive = [c for c, w in zip(columns, result["coef"], strict=True) if w > 0 or column(c).std() == 0]
        if not positive:
            return result, columns, dropped
        dropped += positive
        columns = [c for c in columns if c not in positive]


def auc_by_defect(
    rows: Sequence[tuple[dict[str, Any], dict[str, float]]], p: np.ndarray, weights: np.ndarray
) -> dict[str, float]:
    """ROC-AUC of ``p`` for the clean records against those carrying each defect (alone or with another)."""
    from sklearn.metrics import roc_auc_score

    y = np.array([r["label"] for r, _ in rows])
    defects = [r["defect"] or "" for r, _ in rows]
    out = {}
    for kind in sorted(CORRUPTIONS):
        mask = (y == 1) | np.array([kind in d.split("+") for d in defects])
        if (y[mask] == 0).any():
            out[kind] = round(float(roc_auc_score(y[mask], p[mask], sample_weight=weights[mask])), 4)
    return out


def train(
    data_dir: str,
    counts: dict[str, int],
    corrupted_per_article: int = 2,
    seed: int = 0,
    C: float = 1.0,
    cache_dir: str | None = None,
    signals_file: str | None = None,
    reuse_signals: bool = False,
    position_output: str | None = None,
    unit_outputs: dict[str, str | None] | None = None,
    log=sys.stderr,
) -> QualityModel:
    """Build the training set, fit, and return the model (with its training report in ``meta``).

    The paragraph-position probe and the unit-fit models are fitted too and written to
    ``position_output`` and ``unit_outputs`` ({"sentence": path, "paragraph": path}; a kind left
    out keeps the bundled model's signal) unless the signals are reused: then the ones on disk
    are those they were computed with.
    """
    from sklearn import __version__ as sklearn_version
    from sklearn.metrics import roc_auc_score

    base = clean_articles(data_dir, "train", counts, seed=seed)
    records = build_set(base, seed=seed, corrupted_per_article=corrupted_per_article)
    print(f"{len(base)} clean train articles -> {len(records)} records; scoring", file=log, flush=True)
    if signals_file is not None and reuse_signals and Path(signals_file).exists():
        saved = {r["id"]: r["signals"] for r in map(json.loads, Path(signals_file).open(encoding="utf-8"))}
        signals = [saved.get(r["id"]) for r in records]
        print(f"reusing signals from {signals_file}", file=log)
    else:
        signals, vectors, units = score_signals(records, cache_dir, log)
        probe = cross_fit_position(records, signals, vectors)
        for kind, output in (unit_outputs or {}).items():
            model = cross_fit_unit_fit(records, signals, units, kind)
            if output is not None:
                model.save(
                    output,
                    description=f"{kind.capitalize()}-fit model: logit that a {kind} was spliced in from another "
                    "story; see coherence/detectors/unit_fit.py",
                    command="python -m coherence.training.train --data ../shared/data",
                    split=f"train ({UNIT_FITS[kind][1]} records against clean articles)",
                )
                print(f"wrote {output}", file=log)
        if position_output is not None:
            probe.save(
                position_output,
                description="Paragraph-position probe: place = vector @ coef + intercept (0 first, 1 last); "
                "see coherence/detectors/position.py",
                command="python -m coherence.training.train --data ../shared/data",
                split="train (clean articles only)",
                alpha=1.0,
            )
            print(f"wrote {position_output}", file=log)
        if signals_file is not None:
            Path(signals_file).parent.mkdir(parents=True, exist_ok=True)
            with open(signals_file, "w", encoding="utf-8") as handle:
                for r, s in zip(records, signals, strict=True):
                    handle.write(json.dumps({"id": r["id"], "defect": r["defect"], "signals": s}) + "\n")
    rows = [(r, s) for r, s in zip(records, signals, strict=True) if s is not None]
    y = np.array([r["label"] for r, _ in rows])
    # clean and damaged halves weigh the same, whatever corrupted_per_article is
    weights = np.where(y == 1, 1.0, 1.0 / corrupted_per_article)
    result, columns, dropped = fit_features(rows, list(FEATURES), weights, C=C)
    coef = {c: round(float(w), 6) for c, w in zip(columns, result["coef"], strict=True)}
    model = QualityModel(
        round(float(result["intercept"]), 6),
        {n: w for (n, kind), w in coef.items() if kind == "weight"},
        short_weights={n: w for (n, kind), w in coef.items() if kind == "short"},
    )
    p = result["oof_probability"]
    per_defect = auc_by_defect(rows, p, weights)
    cleanable = np.array([int(set((r["defect"] or "").split("+")) - {""} <= set(REMOVABLE_DEFECTS)) for r, _ in rows])
    p_clean = result["oof_clean_probability"]
    meta = {
        "description": (
            "Calibrated logistic quality model: quality = sigmoid(intercept + sum((weight + short_weight * "
            "short) * feature)), short = 1 / sqrt(content paragraphs). quality is the estimated probability "
            "that the article is free of the defects coherence detects, for a pool in which half the "
            "articles carry one; clean_quality leaves out the features of defects `coherence clean` "
            "removes. See coherence/scoring.py."
        ),
        "version": MODEL_VERSION,
        "features": model.features,
        "training": {
            "command": "python -m coherence.training.train --data ../shared/data -o coherence/data/quality_model.json",
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"),
            "clean_articles": {k: int(sum(1 for a in base if a["source"] == k)) for k in counts},
            "split": "train (70% of ids by SHA-1; coherence.training.data.split_of)",
            "records": len(rows),
            "corrupted_per_article": corrupted_per_article,
            "defects": sorted(CORRUPTIONS),
            "seed": seed,
            "C": C,
            "dropped_features": [n if kind == "weight" else f"{n} (short)" for n, kind in dropped],
            "out_of_fold_roc_auc": round(float(roc_auc_score(y, p, sample_weight=weights)), 4),
            "out_of_fold_roc_auc_by_defect": per_defect,
            # at the 50/50 mix the model is fitted for (damaged copies weigh 1/corrupted_per_article)
            "out_of_fold_ece": round(expected_calibration_error(y, p, weights=weights), 4),
            "out_of_fold_clean_quality": {
                "label": f"1 = no generated defect other than {' / '.join(REMOVABLE_DEFECTS)}",
                "removable_features": sorted(REMOVABLE_FEATURES),
                "roc_auc": round(float(roc_auc_score(cleanable, p_clean, sample_weight=weights)), 4),
                "ece": round(expected_calibration_error(cleanable, p_clean, weights=weights), 4),
            },
            "platt": [round(v, 6) for v in result["platt"]],
            "scikit_learn": sklearn_version,
        },
    }
    return QualityModel(model.intercept, model.weights, meta, model.short_weights)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data", help="The shared data folder (has news/).")
    parser.add_argument("-o", "--output", default="coherence/data/quality_model.json")
    parser.add_argument(
        "--position-output", default="coherence/data/position_model.json", help="Where the position probe goes."
    )
    for kind, (_, _, _, default) in UNIT_FITS.items():
        parser.add_argument(f"--{kind}-output", default=default, help=f"Where the {kind}-fit model goes.")
    parser.add_argument("--bbc", type=int, default=DEFAULT_COUNTS["bbc"], help="Clean BBC train articles.")
    parser.add_argument(
        "--perezrosas", type=int, default=DEFAULT_COUNTS["perezrosas"], help="Clean perezrosas legit ones."
    )
    parser.add_argument("--corrupted-per-article", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--C", type=float, default=1.0, help="Inverse L2 regularisation strength.")
    parser.add_argument("--cache-dir", default=".cache/embeddings", help="On-disk embedding cache ('' to disable).")
    parser.add_argument(
        "--signals-file", default=".cache/training/signals.jsonl", help="Where the scored signals are kept."
    )
    parser.add_argument(
        "--reuse-signals", action="store_true", help="Fit on the kept signals without re-scoring (same detectors)."
    )
    args = parser.parse_args(argv)
    model = train(
        args.data,
        {"bbc": args.bbc, "perezrosas": args.perezrosas},
        corrupted_per_article=args.corrupted_per_article,
        seed=args.seed,
        C=args.C,
        cache_dir=args.cache_dir or None,
        signals_file=args.signals_file or None,
        reuse_signals=args.reuse_signals,
        position_output=args.position_output or None,
        unit_outputs={kind: getattr(args, f"{kind}_output") or None for kind in UNIT_FITS},
    )
    model.save(args.output)
    t = model.meta["training"]
    print(
        f"wrote {args.output}: out-of-fold ROC-AUC {t['out_of_fold_roc_auc']}, ECE {t['out_of_fold_ece']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
