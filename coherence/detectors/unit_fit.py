"""Sentence fit: how much a sentence reads as spliced in from another story.

The drift detector measures, for every sentence, its similarity to the other paragraphs, to the
rest of its own paragraph (local coherence) and the share of its content words found elsewhere
in the article (lexical cohesion); its off-topic evidence weighs these by hand for flagging. This
module weighs the same measurements, plus the sentence's length, with a logistic model fitted on
generated single-sentence splices against the sentences of clean train-split articles
(``python -m coherence.training.train``, cross-fitted there like the position probe). Its
per-article signal is the largest sentence logit: how strongly the most suspect sentence stands
out. The parameters are plain JSON (``coherence/data/sentence_model.json``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

#: The per-sentence inputs, in the order of ``coef``.
INPUTS = ("other_paragraph_similarity", "local_similarity", "lexical_cohesion", "length")


class SentenceFit:
    """A logistic model of "this sentence was spliced in" over the drift measurements of a sentence.

    Parameters
    ----------
    coef, intercept:
        logit = inputs @ coef + intercept (inputs in :data:`INPUTS` order). Empty ``coef``: no
        model (the signal is NaN).
    min_words:
        Shorter sentences (datelines, quote tags) are not scored.
    max_words:
        ``length`` is ``min(words, max_words) / max_words``.
    """

    def __init__(
        self, *, coef: Sequence[float] = (), intercept: float = 0.0, min_words: int = 10, max_words: int = 40
    ) -> None:
        self.coef = coef
        self.intercept = intercept
        self.min_words = min_words
        self.max_words = max_words

    @classmethod
    def load(cls, path: str | Path | None = None) -> SentenceFit:
        """The bundled model, or one saved as JSON at ``path``."""
        if path is None:
            raw = resources.files("coherence").joinpath("data/sentence_model.json").read_text()
        else:
            raw = Path(path).read_text()
        data = json.loads(raw)
        return cls(**{k: data[k] for k in ("coef", "intercept", "min_words", "max_words")})

    def save(self, path: str | Path, **meta: Any) -> None:
        data = {
            **meta,
            "inputs": list(INPUTS),
            "min_words": self.min_words,
            "max_words": self.max_words,
            "intercept": self.intercept,
            "coef": list(self.coef),
        }
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def inputs(self, drift: Any, sentence_texts: Sequence[str]) -> np.ndarray:
        """One row of :data:`INPUTS` per sentence (NaN rows for sentences that are not scored)."""
        n = len(sentence_texts)
        words = np.array([len(t.split()) for t in sentence_texts], dtype=float)
        columns = [
            getattr(drift, name, None)
            for name in (
                "sentence_other_paragraph_similarity",
                "sentence_local_similarity",
                "sentence_lexical_cohesion",
            )
        ]
        if n == 0 or any(c is None or len(c) != n for c in columns):
            return np.full((n, len(INPUTS)), np.nan)
        X = np.column_stack(
            [*(np.asarray(c, dtype=float) for c in columns), np.minimum(words, self.max_words) / self.max_words]
        )
        X[words < self.min_words] = np.nan
        return X

    @classmethod
    def fit(cls, rows: np.ndarray, spliced: np.ndarray, C: float = 1.0, **params: Any) -> SentenceFit:
        """Fit on input rows (NaN rows are skipped) labelled 1 for a spliced sentence, 0 otherwise."""
        from sklearn.linear_model import LogisticRegression

        ok = ~np.isnan(rows).any(axis=1)
        model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(rows[ok], spliced[ok])
        coef = [round(float(c), 6) for c in model.coef_[0]]
        return cls(coef=coef, intercept=round(float(model.intercept_[0]), 6), **params)

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """The logit of each input row (NaN where the row is NaN or there is no model)."""
        if len(self.coef) == 0:
            return np.full(len(rows), np.nan)
        return np.asarray(rows, dtype=float) @ np.asarray(self.coef, dtype=float) + self.intercept

    def max_logit(self, drift: Any, sentence_texts: Sequence[str]) -> float:
        """The largest sentence logit of an article; NaN when no sentence is scored."""
        logits = self.logits(self.inputs(drift, sentence_texts))
        logits = logits[~np.isnan(logits)]
        return float(logits.max()) if len(logits) else float("nan")
