"""Topic drift: where an article leaves its topic, from unit embeddings.

Two questions are answered from the same vectors:

* **Segments**: where the topic changes. The units are split into the segmentation that
  maximises within-segment cohesion minus a penalty per segment (exact dynamic programming),
  so the number of segments is chosen by the data, never given.
* **Off-topic units**: which paragraphs or sentences do not belong to the article's main topic.
  The main topic is a robust centroid; each unit is compared with the centroid of the *other*
  units, and flagged when it is both low in absolute terms and an outlier against the article's
  own spread (robust z-score).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class UnitOutlier:
    """One off-topic unit: its index, how sure we are, and why."""

    index: int
    score: float
    reason: str


@dataclass
class DriftResult:
    """Per-unit similarities, segments and off-topic units of one article."""

    paragraph_topic_similarity: np.ndarray
    paragraph_neighbour_similarity: np.ndarray
    sentence_topic_similarity: np.ndarray
    segment_starts: list[int]  # paragraph (or sentence, for one-paragraph texts) indices
    segment_unit: str  # "paragraph" or "sentence"
    offtopic_paragraphs: list[UnitOutlier] = field(default_factory=list)
    offtopic_sentences: list[UnitOutlier] = field(default_factory=list)
    topic: np.ndarray | None = None


def robust_topic(vectors: np.ndarray, weights: np.ndarray | None = None, iterations: int = 2) -> np.ndarray:
    """A centroid that down-weights units far from the bulk of the article."""
    w = np.ones(len(vectors)) if weights is None else weights.astype(float)
    centroid = _normalize((w[:, None] * vectors).sum(0))
    for _ in range(iterations):
        sim = np.clip(vectors @ centroid, 0.0, None)
        centroid = _normalize(((w * sim**2)[:, None] * vectors).sum(0))
    return centroid


def leave_one_out_similarity(vectors: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Cosine of each unit to the weighted mean of all the other units."""
    n = len(vectors)
    if n < 2:
        return np.ones(n)
    w = np.ones(n) if weights is None else weights.astype(float)
    total = (w[:, None] * vectors).sum(0)
    others = total[None, :] - w[:, None] * vectors
    norms = np.linalg.norm(others, axis=1)
    norms[norms == 0] = 1.0
    return np.einsum("ij,ij->i", vectors, others) / norms


def robust_z(values: np.ndarray) -> np.ndarray:
    """(x - median) / (1.4826 * MAD), with a floor on the spread."""
    if len(values) == 0:
        return values
    median = np.median(values)
    mad = 1.4826 * np.median(np.abs(values - median))
    return (values - median) / max(mad, 0.05)


def optimal_segments(vectors: np.ndarray, penalty: float) -> list[int]:
    """Start indices of the segmentation maximising sum ||sum x||^2 / len - penalty * segments.

    Exact dynamic programming in O(n^2) over prefix sums; ``vectors`` should be unit length.
    """
    n = len(vectors)
    if n <= 1:
        return [0] if n else []
    prefix = np.vstack([np.zeros(vectors.shape[1]), np.cumsum(vectors, axis=0)])
    best = np.full(n + 1, -np.inf)
    best[0] = 0.0
    back = np.zeros(n + 1, dtype=int)
    for end in range(1, n + 1):
        starts = np.arange(end)
        sums = prefix[end] - prefix[starts]
        gain = np.einsum("ij,ij->i", sums, sums) / (end - starts) - penalty
        totals = best[:end] + gain
        back[end] = int(np.argmax(totals))
        best[end] = totals[back[end]]
    cuts, end = [], n
    while end > 0:
        cuts.append(back[end])
        end = back[end]
    return sorted(cuts)


def _normalize(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


class DriftDetector:
    """Segments an article and finds the units that leave its main topic.

    Parameters
    ----------
    min_similarity:
        A unit whose similarity to the rest of the article is at least this is never off-topic.
    max_z:
        A unit is an outlier when its robust z-score against the article's own units is below
        ``-max_z``.
    hard_floor:
        A unit below this similarity is off-topic whatever the spread.
    segment_penalty:
        Cost of one more topic segment, in units of the article's mean squared distance to its
        centroid. Larger values give fewer segments.
    min_units:
        Articles with fewer content paragraphs (or sentences) are not searched for outliers.
    min_words:
        Units with fewer words (a dateline fragment, a one-line quote tag) are never flagged:
        their embeddings say too little to call them off-topic.
    """

    def __init__(
        self,
        *,
        min_similarity: float = 0.45,
        max_z: float = 2.5,
        hard_floor: float = 0.15,
        segment_penalty: float = 3.0,
        min_units: int = 4,
        min_words: int = 8,
    ) -> None:
        self.min_similarity = min_similarity
        self.max_z = max_z
        self.hard_floor = hard_floor
        self.segment_penalty = segment_penalty
        self.min_units = min_units
        self.min_words = min_words

    def detect(
        self,
        paragraph_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        sentence_paragraph: list[int],
        paragraph_weights: np.ndarray | None = None,
        paragraph_words: np.ndarray | None = None,
        sentence_words: np.ndarray | None = None,
    ) -> DriftResult:
        n_par = len(paragraph_vectors)
        owner = np.asarray(sentence_paragraph, dtype=int)
        topic = robust_topic(paragraph_vectors, paragraph_weights) if n_par else None
        par_sim = leave_one_out_similarity(paragraph_vectors, paragraph_weights)
        neighbour = np.array(
            [float(paragraph_vectors[i] @ paragraph_vectors[i + 1]) for i in range(n_par - 1)]
        )
        sent_sim = leave_one_out_similarity(sentence_vectors)

        if n_par >= 3:
            seg_vectors, seg_unit = paragraph_vectors, "paragraph"
        else:
            seg_vectors, seg_unit = sentence_vectors, "sentence"
        starts = optimal_segments(seg_vectors, self._penalty(seg_vectors))

        result = DriftResult(par_sim, neighbour, sent_sim, starts, seg_unit, topic=topic)
        if n_par >= self.min_units:
            result.offtopic_paragraphs = self._outliers(par_sim, "paragraph", paragraph_words)
        flagged = {o.index for o in result.offtopic_paragraphs}
        if len(sentence_vectors) >= self.min_units:
            for o in self._outliers(sent_sim, "sentence", sentence_words):
                if owner[o.index] not in flagged:
                    result.offtopic_sentences.append(o)
        return result

    def _penalty(self, vectors: np.ndarray) -> float:
        if len(vectors) < 2:
            return 0.0
        centroid = vectors.mean(0)
        spread = float(np.mean(np.sum((vectors - centroid) ** 2, axis=1)))
        return self.segment_penalty * max(spread, 1e-3)

    def _outliers(self, similarity: np.ndarray, unit: str, words: np.ndarray | None) -> list[UnitOutlier]:
        z = robust_z(similarity)
        median = float(np.median(similarity))
        out = []
        for i, (sim, zi) in enumerate(zip(similarity, z, strict=True)):
            if words is not None and words[i] < self.min_words:
                continue
            outlier = sim < self.hard_floor or (zi < -self.max_z and sim < self.min_similarity)
            if outlier:
                score = float(
                    np.clip(0.5 + 0.5 * (self.min_similarity - sim) / self.min_similarity, 0.5, 1.0)
                )
                reason = (
                    f"{unit} similarity to the rest of the article {sim:.2f}, "
                    f"against the article's median {median:.2f} (robust z {zi:.1f})"
                )
                out.append(UnitOutlier(i, score, reason))
        return out
