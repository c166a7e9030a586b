"""Learned off-topic combiner: a logistic model over the drift detector's per-unit measurements.

:class:`~coherence.detectors.drift.DriftDetector` measures, for every paragraph and sentence, how
it relates to the rest of its article (similarity to the other paragraphs, to the headline, to its
neighbours, lexical cohesion, length, position; see ``DriftDetector.paragraph_measurements`` and
``sentence_measurements``). :class:`UnitModel` turns a unit's named measurements into the
probability that it was spliced in from another story, with one logistic model ("head") per unit
level, with and without a headline. It is fitted on the dev half of the BBC splice benchmark only
(``python -m coherence.training.train_drift``) and ships as plain JSON
(``coherence/data/drift_model.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

#: The heads a model may hold: unit level, with or without the article's headline.
HEADS = ("paragraph", "paragraph_no_headline", "sentence", "sentence_no_headline")


def head_name(level: str, has_headline: bool) -> str:
    """The head that scores units of ``level`` ("paragraph" or "sentence")."""
    return level if has_headline else f"{level}_no_headline"


class UnitModel:
    """Off-topic probabilities of paragraphs and sentences from their measurements.

    Parameters
    ----------
    heads:
        For each name in :data:`HEADS`, ``{"features": [...], "coef": [...], "intercept": float}``:
        logit = sum(coef[k] * measurement[features[k]]) + intercept. A missing head scores nothing.
    paragraph_threshold, sentence_threshold:
        Probability at or above which a unit is off-topic (chosen on BBC dev by grouped
        cross-validation, see :mod:`coherence.training.train_drift`).
    """

    def __init__(
        self,
        *,
        heads: Mapping[str, Mapping[str, Any]] | None = None,
        paragraph_threshold: float = 0.5,
        sentence_threshold: float = 0.5,
    ) -> None:
        self.heads = heads
        self.paragraph_threshold = paragraph_threshold
        self.sentence_threshold = sentence_threshold

    @classmethod
    def load(cls, path: str | Path | None = None) -> UnitModel:
        """The bundled model, or one saved as JSON at ``path``."""
        if path is None:
            raw = resources.files("coherence").joinpath("data/drift_model.json").read_text(encoding="utf-8")
        else:
            raw = Path(path).read_text(encoding="utf-8")
        data = json.loads(raw)
        return cls(**{k: data[k] for k in ("heads", "paragraph_threshold", "sentence_threshold")})

    def save(self, path: str | Path, **meta: Any) -> None:
        """Write the model as JSON, with ``meta`` (how it was trained) alongside."""
        data = {
            **meta,
            "paragraph_threshold": self.paragraph_threshold,
            "sentence_threshold": self.sentence_threshold,
            "heads": self.heads,
        }
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def threshold(self, level: str) -> float:
        return self.paragraph_threshold if level == "paragraph" else self.sentence_threshold

    def features(self, head: str) -> list[str]:
        return list((self.heads or {}).get(head, {}).get("features", []))

    def logits(self, head: str, measurements: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """The logit of each of ``n`` units (NaN where a measurement is NaN, or without this head)."""
        spec = (self.heads or {}).get(head)
        if spec is None or n == 0:
            return np.full(n, np.nan)
        X = np.column_stack([np.broadcast_to(np.asarray(measurements[f], dtype=float), (n,)) for f in spec["features"]])
        return X @ np.asarray(spec["coef"], dtype=float) + float(spec["intercept"])

    def probability(self, head: str, measurements: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """P(spliced in) of each of ``n`` units (NaN where not scored)."""
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-self.logits(head, measurements, n)))

    @staticmethod
    def fit_head(rows: np.ndarray, labels: np.ndarray, features: Sequence[str], C: float = 1.0) -> dict[str, Any]:
        """One head fitted by L2 logistic regression on standardised rows (NaN rows skipped); the
        standardisation is folded into the returned coefficients, so they apply to raw measurements."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        ok = ~np.isnan(rows).any(axis=1)
        scaler = StandardScaler().fit(rows[ok])
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        model = LogisticRegression(C=C, max_iter=5000).fit((rows[ok] - scaler.mean_) / scale, labels[ok])
        coef = model.coef_[0] / scale
        intercept = float(model.intercept_[0] - coef @ scaler.mean_)
        return {
            "features": list(features),
            "coef": [round(float(c), 6) for c in coef],
            "intercept": round(intercept, 6),
        }
