"""Dev check: where in the layout the spliced-sentence model finds its most suspect sentence.

    python -m benchmarks.quality.sentence_positions --data ../shared/data [--sentence-model S.json]
        [--score-all] [--logit 2.4]

Scores the clean train-split articles and their ``splice_sentence`` copies (as ``coherence.training.train``
builds them, seed 0) and the real records nobody judged (as ``benchmarks.quality.real_reasons`` reads them,
fnc1 left out), and counts, per position of a sentence in the layout (inside a paragraph of several
sentences, or alone in the first, a middle or the last paragraph), how many scored sentences there are and
how many have a spliced-in logit above ``--logit`` (2.4 is about where the quality model lists the reason),
and where the top sentence of each article above it sits. ``--score-all`` scores the one-sentence first and
last paragraphs even when the model skips them (to see what skipping them removes). The model is used as it
is, not cross-fitted, so the clean training rows are in-sample. Dev numbers only: no test split is read.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks.quality.real_reasons import CORPORA, judged_ids, real_records
from coherence.detectors.unit_fit import SentenceFit

POSITIONS = ("in a paragraph", "alone, first paragraph", "alone, middle paragraph", "alone, last paragraph")


def positions(sentence_paragraph: Sequence[int]) -> list[str]:
    """The layout position (one of :data:`POSITIONS`) of each sentence."""
    owner = np.asarray(sentence_paragraph, dtype=int)
    if not len(owner):
        return []
    sizes = np.bincount(owner)[owner]
    out = []
    for paragraph, size in zip(owner, sizes, strict=True):
        if size > 1:
            out.append(POSITIONS[0])
        elif paragraph == owner.min():
            out.append(POSITIONS[1])
        elif paragraph == owner.max():
            out.append(POSITIONS[3])
        else:
            out.append(POSITIONS[2])
    return out


Scored = list[tuple[dict[str, Any], list[str], np.ndarray, list[str]]]


def score(records: list[dict[str, Any]], model: SentenceFit) -> Scored:
    """(record, sentence texts, sentence logits, positions) of every record that could be scored."""
    from coherence import Scorer
    from coherence.embedding import Embedder

    scorer = Scorer(embedder=Embedder(cache_dir=".cache/embeddings"), sentence_fit=model)
    inputs = [{"id": r["id"], "title": r.get("title"), "text": r["text"]} for r in records]
    out = []
    for record, report in zip(records, scorer.score_many(inputs), strict=True):
        if report.error or report.analysis is None:
            continue
        analysis = report.analysis
        texts = analysis.units.sentence_texts(analysis.text)
        logits = model.logits(model.inputs(analysis.drift, texts))
        out.append((record, texts, logits, positions(analysis.units.sentence_paragraph)))
    return out


def count(scored: Scored, threshold: float) -> dict:
    """Per group: scored sentences and sentences above ``threshold`` per position, and the position of each
    article's top sentence when it is above. A splice copy counts only its inserted sentence (one its
    clean source lacks)."""
    sources = {r["id"]: set(texts) for r, texts, _, _ in scored if r["group"] == "clean training"}
    table: dict[str, dict[str, Counter]] = {}
    for record, texts, logits, where in scored:
        group = record["group"]
        entry = table.setdefault(group, {k: Counter() for k in ("articles", "scored", "above", "top")})
        entry["articles"]["all"] += 1
        keep = np.isfinite(logits)
        if group == "generated splice":
            source = sources.get(record["id"].split("~")[0], set())
            keep &= np.array([t not in source for t in texts], dtype=bool)
        for i in np.flatnonzero(keep):
            entry["scored"][where[i]] += 1
            entry["above"][where[i]] += bool(logits[i] > threshold)
        if keep.any():
            top = int(np.flatnonzero(keep)[np.argmax(logits[keep])])
            if logits[top] > threshold:
                entry["top"][where[top]] += 1
    return table


def render(table: dict) -> str:
    lines = [
        "| group | articles | articles with a top sentence above | " + " | ".join(POSITIONS) + " |",
        "|---|---|---|" + "---|" * len(POSITIONS),
    ]
    for group, entry in table.items():
        cells = []
        for p in POSITIONS:
            scored, above = entry["scored"][p], entry["above"][p]
            rate = f"{100 * above / scored:.2f}%" if scored else "–"
            cells.append(f"{above} of {scored} ({rate}); top {entry['top'][p]}")
        total = sum(entry["top"].values())
        lines.append(f"| {group} | {entry['articles']['all']} | {total} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from coherence.training.corruptions import build_set
    from coherence.training.data import clean_articles
    from coherence.training.train import DEFAULT_COUNTS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--sentence-model", default=None, help="Sentence-fit model JSON (default: bundled).")
    parser.add_argument("--score-all", action="store_true", help="Score one-sentence first/last paragraphs too.")
    parser.add_argument("--logit", type=float, default=2.4, help="A sentence counts above this logit.")
    args = parser.parse_args(argv)
    model = SentenceFit.load(args.sentence_model)
    if args.score_all:
        model.skip_lone_edges = False
    base = clean_articles(args.data, "train", DEFAULT_COUNTS, seed=0)
    training = [r for r in build_set(base, seed=0, corrupted_per_article=2) if r["defect"] in (None, "splice_sentence")]
    for r in training:
        r["group"] = "clean training" if r["defect"] is None else "generated splice"
    real = real_records(args.data, [c for c in CORPORA if c != "fnc1_bodies"], judged_ids())
    for r in real:
        r["group"] = "real, not judged (no fnc1)"
    print(render(count(score(training + real, model), args.logit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
