"""Unit fit: how much a sentence or a paragraph reads as spliced in from another story.

The drift detector measures, for every sentence and paragraph, how it relates to the rest of the
article (similarity to the other paragraphs, to its own paragraph or neighbours, to the headline,
shared content words); its off-topic evidence weighs these by hand for flagging. This module
weighs the same measurements, plus the unit's length, with a logistic model fitted on generated
splices (a single sentence for :class:`SentenceFit`, a block of paragraphs for
:class:`ParagraphFit`) against the units of clean train-split articles
(``python -m coherence.training.train``, cross-fitted there like the position probe). The
per-article signal is the largest unit logit: how strongly the most suspect unit stands out.
The parameters are plain JSON (``coherence/data/sentence_model.json``, ``paragraph_model.json``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np


class UnitFit:
    """A logistic model of "this unit was spliced in" over per-unit measurements.

    Parameters
    ----------
    coef, intercept:
        logit = inputs @ coef + intercept (inputs in ``INPUTS`` order). Empty ``coef``: no model
        (the signal is NaN).
    min_words:
        Shorter units (datelines, quote tags, captions) are not scored.
    max_words:
        ``length`` is ``min(words, max_words) / max_words``.
    """

    #: The per-unit inputs, in the order of ``coef``.
    INPUTS: ClassVar[tuple[str, ...]] = ()
    #: The bundled parameters, under ``coherence/data``.
    BUNDLED: ClassVar[str] = ""

    def __init__(
        self, *, coef: Sequence[float] = (), intercept: float = 0.0, min_words: int = 10, max_words: int = 40
    ) -> None:
        self.coef = coef
        self.intercept = intercept
        self.min_words = min_words
        self.max_words = max_words

    @classmethod
    def load(cls, path: str | Path | None = None) -> UnitFit:
        """The bundled model, or one saved as JSON at ``path``."""
        if path is None:
            raw = resources.files("coherence").joinpath(f"data/{cls.BUNDLED}").read_text()
        else:
            raw = Path(path).read_text()
        data = json.loads(raw)
        return cls(**{k: data[k] for k in ("coef", "intercept", "min_words", "max_words")})

    def save(self, path: str | Path, **meta: Any) -> None:
        data = {
            **meta,
            "inputs": list(self.INPUTS),
            "min_words": self.min_words,
            "max_words": self.max_words,
            "intercept": self.intercept,
            "coef": list(self.coef),
        }
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def fit(cls, rows: np.ndarray, spliced: np.ndarray, C: float = 1.0, **params: Any) -> UnitFit:
        """Fit on input rows (NaN rows are skipped) labelled 1 for a spliced unit, 0 otherwise."""
        from sklearn.linear_model import LogisticRegression

        ok = ~np.isnan(rows).any(axis=1)
        model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(rows[ok], spliced[ok])
        coef = [round(float(c), 6) for c in model.coef_[0]]
        return cls(coef=coef, intercept=round(float(model.intercept_[0]), 6), **params)

    def _rows(self, columns: Sequence[np.ndarray | None], texts: Sequence[str]) -> np.ndarray:
        """Measurement columns plus length; NaN rows for short units or missing measurements."""
        n = len(texts)
        if n == 0 or any(c is None or len(c) != n for c in columns):
            return np.full((n, len(self.INPUTS)), np.nan)
        words = np.array([len(t.split()) for t in texts], dtype=float)
        length = np.minimum(words, self.max_words) / self.max_words
        X = np.column_stack([*(np.asarray(c, dtype=float) for c in columns), length])
        X[words < self.min_words] = np.nan
        return X

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """The logit of each input row (NaN where the row is NaN or there is no model)."""
        if len(self.coef) == 0:
            return np.full(len(rows), np.nan)
        return np.asarray(rows, dtype=float) @ np.asarray(self.coef, dtype=float) + self.intercept

    def max_logit(self, rows: np.ndarray) -> float:
        """The largest unit logit of an article; NaN when no unit is scored."""
        logits = self.logits(rows)
        logits = logits[~np.isnan(logits)]
        return float(logits.max()) if len(logits) else float("nan")


def adjacent_similarity(vectors: np.ndarray | None) -> np.ndarray | None:
    """Each unit's cosine to the closer of its adjacent units (NaN for a lone unit); None without vectors."""
    if vectors is None:
        return None
    vectors = np.asarray(vectors, dtype=float)
    if len(vectors) < 2:
        return np.full(len(vectors), np.nan)
    adjacent = np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
    return np.fmax(np.r_[np.nan, adjacent], np.r_[adjacent, np.nan])


class SentenceFit(UnitFit):
    """Spliced-sentence model over the drift detector's sentence measurements (see :class:`UnitFit`).

    Two settings (session 8; a model saved without them reads both as False):

    ``local_adjacent``
        The local input is the larger of the sentence's similarity to its own paragraph (or its neighbours)
        and to its closer adjacent sentence: a sentence that follows on from one neighbour (the second
        sentence of a quote, a one-line aside under the line it answers) is not read as unrelated because
        the rest of its short context is about something else.
    ``skip_lone_edges``
        A sentence that is the whole of the first or the last paragraph (a one-line lede, kicker, sign-off or
        update note) is not scored: its context is one neighbour on one side, such lines are loose by design
        in web posts, the generated splices never fall there (they go into a paragraph), and as a paragraph
        of its own it is still scored by the paragraph-level evidence.
    """

    INPUTS = ("other_paragraph_similarity", "local_similarity", "lexical_cohesion", "length")
    BUNDLED = "sentence_model.json"
    SETTINGS = ("local_adjacent", "skip_lone_edges")

    def __init__(self, *, local_adjacent: bool = False, skip_lone_edges: bool = False, **params: Any) -> None:
        super().__init__(**params)
        self.local_adjacent = local_adjacent
        self.skip_lone_edges = skip_lone_edges

    @classmethod
    def load(cls, path: str | Path | None = None) -> SentenceFit:
        """The bundled model, or one saved as JSON at ``path``."""
        if path is None:
            raw = resources.files("coherence").joinpath(f"data/{cls.BUNDLED}").read_text()
        else:
            raw = Path(path).read_text()
        data = json.loads(raw)
        params = {k: data[k] for k in ("coef", "intercept", "min_words", "max_words")}
        return cls(**params, **{k: bool(data.get(k, False)) for k in cls.SETTINGS})

    def save(self, path: str | Path, **meta: Any) -> None:
        super().save(path, **meta, **{k: getattr(self, k) for k in self.SETTINGS})

    def inputs(self, drift: Any, sentence_texts: Sequence[str]) -> np.ndarray:
        """One row of ``INPUTS`` per sentence (NaN rows for sentences that are not scored)."""
        names = ("sentence_other_paragraph_similarity", "sentence_local_similarity", "sentence_lexical_cohesion")
        columns = [getattr(drift, name, None) for name in names]
        if self.local_adjacent and columns[1] is not None:
            adjacent = adjacent_similarity(getattr(drift, "sentence_vectors", None))
            if adjacent is not None and len(adjacent) == len(columns[1]):
                columns[1] = np.fmax(np.asarray(columns[1], dtype=float), adjacent)
        rows = self._rows(columns, sentence_texts)
        owner = getattr(drift, "sentence_paragraph", None)
        if self.skip_lone_edges and owner is not None and len(owner) == len(rows) and len(rows):
            rows[lone_at_edges(owner)] = np.nan
        return rows


def lone_at_edges(sentence_paragraph: Sequence[int]) -> np.ndarray:
    """Per sentence: whether it is the only sentence of the first or of the last paragraph."""
    owner = np.asarray(sentence_paragraph, dtype=int)
    if not len(owner):
        return np.zeros(0, dtype=bool)
    alone = np.bincount(owner)[owner] == 1
    return alone & ((owner == owner.min()) | (owner == owner.max()))


class ParagraphFit(UnitFit):
    """Spliced-paragraph model over a paragraph's similarity to the rest of the article, to the
    headline and to its closer neighbour (see :class:`UnitFit`). Articles with fewer than
    ``min_paragraphs`` paragraphs, or without a headline, are not scored."""

    INPUTS = ("topic_similarity", "headline_similarity", "neighbour_similarity", "length")
    BUNDLED = "paragraph_model.json"

    def __init__(
        self,
        *,
        coef: Sequence[float] = (),
        intercept: float = 0.0,
        min_words: int = 10,
        max_words: int = 60,
        min_paragraphs: int = 3,
    ) -> None:
        super().__init__(coef=coef, intercept=intercept, min_words=min_words, max_words=max_words)
        self.min_paragraphs = min_paragraphs

    def inputs(
        self,
        drift: Any,
        paragraph_vectors: np.ndarray | None,
        headline_vector: np.ndarray | None,
        paragraph_texts: Sequence[str],
    ) -> np.ndarray:
        """One row of ``INPUTS`` per paragraph (NaN rows for paragraphs that are not scored)."""
        n = len(paragraph_texts)
        topic = getattr(drift, "paragraph_topic_similarity", None)
        if n < self.min_paragraphs or paragraph_vectors is None or headline_vector is None:
            return np.full((n, len(self.INPUTS)), np.nan)
        vectors = np.asarray(paragraph_vectors, dtype=float)
        adjacent = np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
        neighbour = np.maximum(np.r_[-np.inf, adjacent], np.r_[adjacent, -np.inf])
        return self._rows([topic, vectors @ headline_vector, neighbour], paragraph_texts)
