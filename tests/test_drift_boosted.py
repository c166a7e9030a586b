"""The dev-only boosted-heads experiment (benchmarks/drift/boosted_heads.py)."""

from __future__ import annotations

import numpy as np
import pytest

boosted = pytest.importorskip("benchmarks.drift.boosted_heads")


def test_boosted_head_learns_a_threshold_and_skips_nan_rows():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 400)
    rows = np.column_stack([x, rng.uniform(0, 1, 400)])
    labels = (x < 0.3).astype(float)
    head = boosted.BoostedUnitModel.fit_head(rows, labels, ["far", "noise"], C=1.0)
    model = boosted.BoostedUnitModel(heads={"paragraph": head})
    p = model.probability("paragraph", {"far": np.array([0.05, 0.9, np.nan]), "noise": np.full(3, 0.5)}, 3)
    assert p[0] > 0.9 and p[1] < 0.1 and np.isnan(p[2])


def test_logistic_heads_still_score_in_a_boosted_model():
    head = {"features": ["far"], "coef": [-10.0], "intercept": 3.0}
    model = boosted.BoostedUnitModel(heads={"paragraph": head})
    assert model.probability("paragraph", {"far": np.array([0.0])}, 1)[0] == pytest.approx(1 / (1 + np.exp(-3.0)))
