"""Paragraph position: where in an article a paragraph reads as if it belongs.

News is written in a recognisable order: the gist first, then detail, quotes and background.
A linear probe on a paragraph's vector (ridge regression onto its relative position, 0 = first,
1 = last, fitted on clean train-split articles by ``python -m coherence.training.train``)
estimates that place. For an article, the signal is the correlation between the estimated and
the actual places of its paragraphs: high for an article in its own order, near 0 for paragraphs
shuffled out of it. The fitted parameters are plain JSON (``coherence/data/position_model.json``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np


class ParagraphPosition:
    """A linear estimate of each paragraph's relative place in its article.

    Parameters
    ----------
    coef, intercept:
        The probe: place = vector @ coef + intercept. Empty ``coef``: no probe (the signal is NaN).
    min_paragraphs:
        Articles with fewer paragraphs get NaN (too few places to correlate).
    """

    def __init__(self, *, coef: Sequence[float] = (), intercept: float = 0.0, min_paragraphs: int = 3) -> None:
        self.coef = coef
        self.intercept = intercept
        self.min_paragraphs = min_paragraphs

    @classmethod
    def load(cls, path: str | Path | None = None) -> ParagraphPosition:
        """The bundled probe, or one saved as JSON at ``path``."""
        if path is None:
            raw = resources.files("coherence").joinpath("data/position_model.json").read_text()
        else:
            raw = Path(path).read_text()
        data = json.loads(raw)
        return cls(coef=data["coef"], intercept=data["intercept"])

    @classmethod
    def fit(cls, articles: Sequence[np.ndarray], alpha: float = 1.0, **params: Any) -> ParagraphPosition:
        """Fit on clean articles (each an array of paragraph vectors in reading order)."""
        from sklearn.linear_model import Ridge

        usable = [v for v in articles if len(v) >= 2]
        X = np.vstack(usable)
        y = np.concatenate([np.linspace(0.0, 1.0, len(v)) for v in usable])
        ridge = Ridge(alpha=alpha).fit(X, y)
        coef = [round(float(c), 6) for c in ridge.coef_]
        return cls(coef=coef, intercept=round(float(ridge.intercept_), 6), **params)

    def save(self, path: str | Path, **meta: Any) -> None:
        data = {**meta, "intercept": self.intercept, "coef": list(self.coef)}
        Path(path).write_text(json.dumps(data) + "\n", encoding="utf-8")

    def predict(self, paragraph_vectors: np.ndarray) -> np.ndarray:
        """Estimated relative place of each paragraph."""
        return np.asarray(paragraph_vectors) @ np.asarray(self.coef, dtype=float) + self.intercept

    def order_correlation(self, paragraph_vectors: np.ndarray | None) -> float:
        """Pearson correlation of estimated and actual places; NaN when it cannot be computed."""
        if paragraph_vectors is None or len(self.coef) == 0 or len(paragraph_vectors) < self.min_paragraphs:
            return float("nan")
        estimated = self.predict(paragraph_vectors)
        if estimated.std() == 0:
            return float("nan")
        return float(np.corrcoef(estimated, np.arange(len(estimated)))[0, 1])
