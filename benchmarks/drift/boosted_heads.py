"""Dev-only experiment: the drift unit model's heads as gradient-boosted trees instead of logistic regressions.

    python -m benchmarks.drift.boosted_heads [train_drift options, e.g. --budget 0.015]

Runs :mod:`coherence.training.train_drift` unchanged (same dev articles, folds, paragraph and sentence
thresholds, budgets) with every head fitted by scikit-learn's ``HistGradientBoostingClassifier``
(``C`` of the grid becomes ``l2_regularization = 1 / C``). Only the out-of-fold numbers it prints are
of use: the bundled model format is logistic, so nothing is saved.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import coherence.training.train_drift as train_drift
from coherence.detectors.drift_model import UnitModel


class BoostedUnitModel(UnitModel):
    """A :class:`UnitModel` whose heads may hold a fitted classifier under ``"estimator"``."""

    def probability(self, head: str, measurements: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        spec = (self.heads or {}).get(head)
        if spec is None or "estimator" not in spec or n == 0:
            return super().probability(head, measurements, n)
        X = np.column_stack([np.broadcast_to(np.asarray(measurements[f], dtype=float), (n,)) for f in spec["features"]])
        out = np.full(n, np.nan)
        ok = ~np.isnan(X).any(axis=1)
        if ok.any():
            out[ok] = spec["estimator"].predict_proba(X[ok])[:, 1]
        return out

    @staticmethod
    def fit_head(rows: np.ndarray, labels: np.ndarray, features: Sequence[str], C: float = 1.0) -> dict[str, Any]:
        from sklearn.ensemble import HistGradientBoostingClassifier

        ok = ~np.isnan(rows).any(axis=1)
        estimator = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.05, max_leaf_nodes=15, l2_regularization=1.0 / C, random_state=0
        ).fit(rows[ok], labels[ok])
        return {"features": list(features), "estimator": estimator}

    def save(self, path, **meta: Any) -> None:
        print(f"(not saved: {path}; boosted heads have no JSON form)")


def main(argv: list[str] | None = None) -> int:
    train_drift.UnitModel = BoostedUnitModel  # type: ignore[misc]
    return train_drift.main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
