"""Tune the hand-weighted off-topic thresholds of the drift detector on the BBC dev splices.

    python -m benchmarks.drift.tune [--sources 300] [--budget 0.025]

The hand weighting is used with ``DriftDetector(unit_model=None)``; the default learned unit
model is fitted by ``python -m coherence.training.train_drift``. Dev split only. Documents are
finished in the batches of :func:`benchmarks.drift.__main__.batches` (so the corpus-aware
evidence sees the same batches as the benchmark). For every paragraph threshold and corpus
setting, the sentence threshold is the lowest that keeps at most ``--budget`` of the unmodified
articles flagged; the objective is then the mean of the different- and same-topic unit F1.
Prints every setting tried and the best.
"""

from __future__ import annotations

import argparse
import itertools
import os
from pathlib import Path

import numpy as np

from benchmarks.drift import splices
from benchmarks.drift.__main__ import ROOT, batches, prepare_splices
from benchmarks.drift.embed import CachedEmbedder
from coherence import Scorer
from coherence.detectors.drift import DriftDetector

PARAGRAPH_THRESHOLDS = [0.14, 0.16]
CORPUS_SETTINGS = [("mean", 0.0), ("mean", 0.5), ("mean", 1.0), ("neighbours", 0.5)]


def evaluate(docs, analyses, scorer: Scorer, kinds: set[str]) -> dict:
    """Splice metrics of the documents whose kind is in ``kinds`` (plus every unmodified one), from
    the drift detector alone (what :meth:`Scorer.finish_many` flags as off-topic, without the rest)."""
    keep = [i for i, d in enumerate(docs) if d.relation == "none" or d.kind in kinds]
    sub_docs, sub_analyses = [docs[i] for i in keep], [analyses[i] for i in keep]
    flags, scores = [[] for _ in keep], [0.0 for _ in keep]
    for chunk in batches(sub_docs, scorer.chunk_size):
        corpus = scorer.drift_detector.corpus([sub_analyses[i].paragraph_vectors for i in chunk])
        for k, i in enumerate(chunk):
            units = sub_analyses[i].units
            drift = scorer.detect_drift(sub_analyses[i], corpus.others(k))
            spans = [units.paragraphs[o.index] for o in drift.offtopic_paragraphs]
            spans += [units.sentences[o.index] for o in drift.offtopic_sentences]
            flags[i] = [(span.start, span.end) for span in spans]
            scores[i] = float(drift.article_score)
    return splices.evaluate(sub_docs, flags, scores)


def report(params: dict, result: dict, budget: float) -> float:
    """Print one setting's results; its objective (-1 when over the false-alarm budget)."""
    ok = result["unmodified_flagged"] <= budget
    print(
        " ".join(f"{k}={v}" for k, v in params.items()),
        f"F1 diff {result['different']['f1']:.3f} same {result['same']['f1']:.3f}",
        f"unmodified flagged {result['unmodified_flagged']:.3f}",
        "" if ok else "(over budget)",
        flush=True,
    )
    return (result["different"]["f1"] + result["same"]["f1"]) / 2 if ok else -1.0


def search(docs, analyses, scorer: Scorer, candidates, kinds: set[str], budget: float) -> dict:
    """The candidate parameters with the best objective (``{}`` if none is within the budget)."""
    best, best_value = {}, -1.0
    for params in candidates:
        scorer.drift_detector = DriftDetector(**params, unit_model=None)
        value = report(params, evaluate(docs, analyses, scorer, kinds), budget)
        if value > best_value:
            best, best_value = params, value
    return best


def lowest_threshold(docs, analyses, scorer: Scorer, budget: float) -> float:
    """The lowest sentence threshold (to 0.01) that flags at most ``budget`` of the unmodified articles."""
    clean = [i for i, d in enumerate(docs) if d.relation == "none"]
    worst = []
    for chunk in batches([docs[i] for i in clean], scorer.chunk_size):
        corpus = scorer.drift_detector.corpus([analyses[clean[i]].paragraph_vectors for i in chunk])
        for k, i in enumerate(chunk):
            drift = scorer.detect_drift(analyses[clean[i]], corpus.others(k))
            evidence = drift.sentence_evidence[np.isfinite(drift.sentence_evidence)]
            worst.append(np.inf if drift.offtopic_paragraphs else (evidence.max() if len(evidence) else -np.inf))
    worst = np.sort(worst)[::-1]
    allowed = int(np.floor(budget * len(worst) + 1e-9))
    return float(np.ceil(worst[allowed] * 100 + 1e-9) / 100) if allowed < len(worst) else -np.inf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drift.tune", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache-dir", default=str(ROOT / ".cache" / "embeddings"))
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--budget", type=float, default=0.025, help="most unmodified articles flagged")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    scorer = Scorer(embedder=CachedEmbedder(cache_dir=args.cache_dir))
    docs = [d for d in splices.build(args.data, args.sources) if d.split == "dev"]
    analyses = prepare_splices(docs, scorer)
    candidates = []
    for threshold, (reference, weight) in itertools.product(PARAGRAPH_THRESHOLDS, CORPUS_SETTINGS):
        params = {"paragraph_threshold": threshold, "corpus_reference": reference, "corpus_weight": weight}
        scorer.drift_detector = DriftDetector(**params, unit_model=None)
        candidates.append(params | {"sentence_threshold": lowest_threshold(docs, analyses, scorer, args.budget)})
    best = search(docs, analyses, scorer, candidates, set(splices.SPLICE_KINDS), args.budget)
    print("chosen:", best)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
