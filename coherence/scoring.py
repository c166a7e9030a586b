"""From signals to one quality score, with each signal's contribution to it.

The score is a logistic model over a few features derived from the signals; its parameters are
plain JSON shipped with the package (``coherence/data/quality_model.json``), so a model can be
inspected, replaced or retrained without pickles. Scoring never decides what is kept: that is
``keep = quality >= threshold``, applied afterwards and changeable without re-scoring.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


def quality_features(signals: dict[str, float]) -> dict[str, float]:
    """The model's features, each 0 for a clean article and larger for a worse one."""
    headline_similarity = signals.get("headline_similarity")
    has_headline = headline_similarity is not None and not math.isnan(headline_similarity)
    return {
        "artifact_fraction": signals.get("artifact_fraction", 0.0),
        "offtopic_fraction": signals.get("offtopic_fraction", 0.0),
        "duplicate_headline": min(signals.get("duplicate_headline", 0.0), 1.0),
        "duplicate_text_fraction": signals.get("duplicate_text_fraction", 0.0),
        "headline_mismatch": max(0.0, 0.35 - headline_similarity) if has_headline else 0.0,
        "too_short": max(0.0, 1.0 - signals.get("content_words", 0.0) / 60.0),
    }


@dataclass(frozen=True)
class QualityModel:
    """quality = sigmoid(intercept + sum(weights[f] * features[f]))."""

    intercept: float
    weights: dict[str, float]

    @classmethod
    def load(cls, path: str | Path | None = None) -> QualityModel:
        """The bundled model, or one saved as JSON at ``path``."""
        if path is None:
            raw = resources.files("coherence").joinpath("data/quality_model.json").read_text()
        else:
            raw = Path(path).read_text()
        data = json.loads(raw)
        return cls(float(data["intercept"]), {k: float(v) for k, v in data["weights"].items()})

    def score(self, signals: dict[str, float]) -> tuple[float, dict[str, float]]:
        """The quality in [0, 1] and each feature's contribution to its log-odds."""
        features = quality_features(signals)
        contributions = {name: self.weights.get(name, 0.0) * value for name, value in features.items()}
        logit = self.intercept + sum(contributions.values())
        return 1.0 / (1.0 + math.exp(-logit)), contributions
