"""Corpus-aware topics: what the *other* articles of a batch are about.

When many articles are scored together, a unit that sits closer to some other article than to
the rest of its own is evidence of a splice, and far better evidence than a low similarity to its
own article alone: a short generic sentence ("The government has not confirmed any deal.") is
far from everything, while a sentence spliced in from another story is near the passages that
story shares with the corpus. :class:`CorpusTopics` keeps the paragraph vectors of one batch and
gives, for each article, the paragraphs of all the others; :class:`~coherence.detectors.drift.
DriftDetector` turns them into evidence.

Text an article shares with another (a duplicate, a syndicated copy, the source of a splice) says
nothing about its topic: the other articles' paragraphs that nearly repeat one of its own are
left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class CorpusTopics:
    """Paragraph vectors of a batch of articles, to compare each article with the others.

    Parameters
    ----------
    min_articles:
        Batches with fewer articles give no corpus (``others`` returns ``None``): a handful of
        articles is no picture of a corpus, and one article scored alone keeps its own results.
    duplicate_similarity:
        Paragraphs of other articles whose cosine to one of the article's own paragraphs reaches
        this value count as shared text and are left out.
    """

    def __init__(self, *, min_articles: int = 20, duplicate_similarity: float = 0.9) -> None:
        self.min_articles = min_articles
        self.duplicate_similarity = duplicate_similarity

    def fit(self, paragraph_vectors: Sequence[np.ndarray]) -> CorpusTopics:
        """Keep the paragraph vectors (unit length, one 2-D array per article) of a batch."""
        arrays = [np.asarray(v, dtype=np.float32) for v in paragraph_vectors]
        self.n_articles_ = len(arrays)
        self.vectors_ = np.concatenate(arrays) if arrays else np.zeros((0, 0), dtype=np.float32)
        self.owner_ = np.concatenate([np.full(len(a), i) for i, a in enumerate(arrays)]) if arrays else np.zeros(0, int)
        return self

    def others(self, index: int) -> np.ndarray | None:
        """Paragraph vectors of the batch's other articles, without text shared with article ``index``.

        ``None`` when the batch has fewer than ``min_articles`` articles.
        """
        if self.n_articles_ < self.min_articles:
            return None
        own = self.owner_ == index
        others = self.vectors_[~own]
        if own.any() and len(others):
            shared = (others @ self.vectors_[own].T).max(axis=1) >= self.duplicate_similarity
            others = others[~shared]
        return others
