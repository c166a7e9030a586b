"""Segmentation benchmarks (Choi, Wiki-50): Pk and WindowDiff with k passed explicitly."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

import numpy as np
from nltk.metrics.segmentation import pk, windowdiff
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from benchmarks.drift.data import SegmentedDoc

Segmenter = Callable[[SegmentedDoc, np.ndarray], list[int]]


def boundary_string(starts: Sequence[int], n: int) -> str:
    """'1' at position i when a segment starts at sentence i + 1 (a boundary after sentence i)."""
    marks = ["0"] * n
    for s in starts:
        if 0 < s <= n - 1:
            marks[s - 1] = "1"
    return "".join(marks)


def word_boundary_string(starts: Sequence[int], lengths: Sequence[int]) -> str:
    """The same boundaries at word level: '1' on the last word of a sentence that ends a segment."""
    sentence_marks = boundary_string(starts, len(lengths))
    return "".join("0" * (max(n, 1) - 1) + mark for n, mark in zip(lengths, sentence_marks, strict=True))


def half_mean_segment(n: int, segments: int) -> int:
    """k: half the mean reference segment length, rounded, at least 1."""
    return max(1, int(round(n / segments / 2)))


def score_doc(doc: SegmentedDoc, hyp: list[int]) -> dict[str, float]:
    """Pk and WindowDiff in sentences (and in words) for one hypothesis."""
    n = len(doc.sentences)
    ref_s, hyp_s = boundary_string(doc.starts, n), boundary_string(hyp, n)
    k = half_mean_segment(n, len(doc.starts))
    lengths = [len(s.split()) for s in doc.sentences]
    ref_w, hyp_w = word_boundary_string(doc.starts, lengths), word_boundary_string(hyp, lengths)
    kw = half_mean_segment(len(ref_w), len(doc.starts))
    return {
        "pk": pk(ref_s, hyp_s, k=k),
        "wd": windowdiff(ref_s, hyp_s, k=k),
        "pk_words": pk(ref_w, hyp_w, k=kw),
        "wd_words": windowdiff(ref_w, hyp_w, k=kw),
        "segments_ref": len(doc.starts),
        "segments_hyp": len(hyp),
    }


def evaluate(docs: list[SegmentedDoc], vectors: list[np.ndarray], segmenter: Segmenter) -> tuple[list[dict], float]:
    """Per-document scores and the seconds the segmenter took."""
    rows, seconds = [], 0.0
    for doc, vecs in zip(docs, vectors, strict=True):
        t0 = time.perf_counter()
        hyp = segmenter(doc, vecs)
        seconds += time.perf_counter() - t0
        rows.append({"id": doc.id, "group": doc.group, **score_doc(doc, hyp)})
    return rows, seconds


def summarize(rows: list[dict], key: str = "group") -> dict[str, dict[str, float]]:
    """Mean scores per group and in total."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    groups["total"] = rows
    metrics = ("pk", "wd", "pk_words", "wd_words", "segments_ref", "segments_hyp")
    return {g: {m: float(np.mean([r[m] for r in rs])) for m in metrics} | {"docs": len(rs)} for g, rs in groups.items()}


# -- baselines ------------------------------------------------------------------------------------
def texttiling(doc: SegmentedDoc, _vectors: np.ndarray, w: int = 20, k: int = 10) -> list[int]:
    """nltk's TextTiling with every sentence as a paragraph (boundaries fall between sentences).

    nltk's stop-word corpus is not installed offline, so scikit-learn's English list is passed.
    Texts too short for TextTiling get one segment.
    """
    from nltk.tokenize.texttiling import TextTilingTokenizer

    sentences = [re.sub(r"\s+", " ", s) for s in doc.sentences]
    tiler = TextTilingTokenizer(w=w, k=k, stopwords=sorted(ENGLISH_STOP_WORDS))
    try:
        tiles = tiler.tokenize("\n\n".join(sentences))
    except ValueError:
        return [0]
    starts, position = [], 0
    for tile in tiles:
        count = sum(1 for p in re.split(r"\n\s*\n", tile) if p.strip())
        if count:
            starts.append(position)
            position += count
    return starts or [0]


def neighbour_threshold(threshold: float) -> Segmenter:
    """The naive embedding baseline: a boundary wherever cos(sentence, next sentence) < threshold."""

    def segment(_doc: SegmentedDoc, vectors: np.ndarray) -> list[int]:
        sims = np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
        return [0] + [i + 1 for i in np.flatnonzero(sims < threshold)]

    return segment
