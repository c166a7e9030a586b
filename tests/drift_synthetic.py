"""Synthetic sentence vectors for the drift tests: three paragraphs (3, 4 and 2 sentences) on one topic
but for the sentences given another."""

from __future__ import annotations

import numpy as np

from coherence.detectors.drift import DriftDetector, DriftResult

OWNER = [0, 0, 0, 1, 1, 1, 1, 2, 2]


def unit(rows) -> np.ndarray:
    """The rows scaled to length 1."""
    v = np.asarray(rows, dtype=float)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def detect_nine_sentences(off_topic: dict[int, int], seed: int) -> DriftResult:
    """``DriftDetector().detect`` on nine noisy sentences of topic 0, sentence i of topic ``off_topic[i]``."""
    rng = np.random.default_rng(seed)
    basis = np.eye(16)
    topics = [off_topic.get(i, 0) for i in range(len(OWNER))]
    sentences = unit([basis[t] + 0.3 * rng.standard_normal(16) / 4 for t in topics])
    paragraphs = unit([sentences[[i for i, o in enumerate(OWNER) if o == p]].sum(0) for p in range(3)])
    return DriftDetector().detect(
        paragraphs, sentences, OWNER, paragraph_words=np.full(3, 60), sentence_words=np.full(len(OWNER), 20)
    )
