"""The learned line model: a logistic regression over :mod:`coherence.detectors.line_features`.

Its fitted parameters (feature means and scales, weights, hashed-word weights, intercept, decision
threshold) are plain JSON in ``coherence/data/line_model.json``, written by
``python -m coherence.training.train_lines``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from coherence.detectors.line_features import FEATURE_NAMES, N_WORD_BUCKETS, tokens, word_bucket, word_matrix

DEFAULT_LINE_MODEL = str(Path(__file__).resolve().parents[1] / "data" / "line_model.json")


@dataclass(frozen=True)
class LineModel:
    """P(artifact) of a line: ``sigmoid(coef . (x - mean) / scale + sum of its word weights + intercept)``.

    ``word_weights`` maps a hashed-word bucket (:func:`~coherence.detectors.line_features.word_matrix`)
    to its weight; buckets not listed weigh 0. ``threshold`` is the probability from which a line is
    flagged (chosen by cross-validation when the model was trained); ``info`` says how it was trained
    (not used for prediction).
    """

    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    word_weights: dict[int, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if tuple(self.feature_names) != FEATURE_NAMES:
            raise ValueError("line model features differ from coherence.detectors.line_features; retrain it")

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """Each line feature's additive share of the log-odds, one row per line (words not included)."""
        z = (np.asarray(features, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return z * np.asarray(self.coef)

    def word_logits(self, lines: list[str]) -> np.ndarray:
        """The words' share of each line's log-odds."""
        return word_matrix(lines) @ self._bucket_weights

    @cached_property
    def _bucket_weights(self) -> np.ndarray:
        weights = np.zeros(N_WORD_BUCKETS)
        for bucket, weight in self.word_weights.items():
            weights[bucket] = weight
        return weights

    def predict_proba(self, features: np.ndarray, lines: list[str]) -> np.ndarray:
        """P(artifact) for each line (its text in ``lines``, its row in ``features``)."""
        logit = self.contributions(features).sum(axis=1) + self.word_logits(lines) + self.intercept
        return 1.0 / (1.0 + np.exp(-logit))

    def top_features(self, row: np.ndarray, line: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` features or words that pushed one line most towards artifact, with their log-odds."""
        contrib = self.contributions(np.asarray(row)[None, :])[0]
        parts = {name: float(c) for name, c in zip(self.feature_names, contrib, strict=True)}
        for token in set(tokens(line)):
            parts[f"word {token!r}"] = self.word_weights.get(word_bucket(token), 0.0)
        ranked = sorted(parts.items(), key=lambda item: -item[1])[:k]
        return [(name, value) for name, value in ranked if value > 0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature_names": list(self.feature_names),
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "coef": [float(v) for v in self.coef],
            "intercept": float(self.intercept),
            "threshold": float(self.threshold),
            "word_weights": [[int(b), float(w)] for b, w in sorted(self.word_weights.items())],
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LineModel:
        return cls(
            feature_names=tuple(d["feature_names"]),
            mean=tuple(d["mean"]),
            scale=tuple(d["scale"]),
            coef=tuple(d["coef"]),
            intercept=float(d["intercept"]),
            threshold=float(d["threshold"]),
            word_weights={int(b): float(w) for b, w in d.get("word_weights", [])},
            info=dict(d.get("info", {})),
        )


@lru_cache(maxsize=8)
def load_line_model(path: str = DEFAULT_LINE_MODEL) -> LineModel:
    """The model stored as JSON at ``path`` (read once per path)."""
    return LineModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
