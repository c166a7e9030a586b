"""Metrics for the quality model: ranking (ROC-AUC) and calibration (expected calibration error)."""

from __future__ import annotations

import numpy as np


def expected_calibration_error(
    labels: np.ndarray, probabilities: np.ndarray, bins: int = 10, weights: np.ndarray | None = None
) -> float:
    """ECE with ``bins`` equal-width bins: sum over bins of (share of items) * |accuracy - confidence|.

    ``labels`` are 1 for a positive (here: a clean article) and ``probabilities`` are P(label = 1);
    ``weights`` (optional) weigh the items, e.g. to evaluate at the training mix's prior.
    """
    labels = np.asarray(labels, dtype=float)
    probabilities = np.asarray(probabilities, dtype=float)
    weights = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            w = weights[mask]
            gap = np.average(labels[mask], weights=w) - np.average(probabilities[mask], weights=w)
            total += w.sum() / weights.sum() * abs(gap)
    return float(total)


def reliability_table(labels: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> list[dict]:
    """Per bin: its range, item count, mean predicted probability and observed share of positives."""
    labels = np.asarray(labels, dtype=float)
    probabilities = np.asarray(probabilities, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            rows.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(mask.sum()),
                    "predicted": float(probabilities[mask].mean()),
                    "observed": float(labels[mask].mean()),
                }
            )
    return rows
