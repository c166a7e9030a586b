"""Boosted heads of the drift unit model: the JSON trees reproduce scikit-learn's estimator."""

from __future__ import annotations

import json

import numpy as np
import pytest

from coherence.detectors.drift_model import (
    BOOSTED_SETTINGS,
    TreeEnsemble,
    UnitModel,
    trees_from_hist_gradient_boosting,
)

FEATURES = ["far", "topic", "length", "edge"]


def _data(rng: np.random.Generator, n: int, missing: float) -> tuple[np.ndarray, np.ndarray]:
    X = rng.normal(size=(n, len(FEATURES)))
    X[:, 3] = rng.integers(0, 2, n)  # a 0/1 column, like the detector's "edge"
    y = ((X[:, 0] < -0.3) | (X[:, 1] * X[:, 2] > 0.8) | (rng.random(n) < 0.05)).astype(int)
    X[rng.random(X.shape) < missing] = np.nan
    return X, y


@pytest.fixture(scope="module")
def fitted():
    """A classifier trained with missing values (so both ``missing_left`` directions occur) and its export."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = _data(np.random.default_rng(0), 3000, missing=0.1)
    estimator = HistGradientBoostingClassifier(**{**BOOSTED_SETTINGS, "max_iter": 60}, l2_regularization=1.0)
    estimator.fit(X, y)
    return estimator, trees_from_hist_gradient_boosting(estimator, FEATURES)


def _columns(X: np.ndarray) -> dict[str, np.ndarray]:
    return {f: X[:, k] for k, f in enumerate(FEATURES)}


def test_json_trees_give_predict_proba_on_random_rows(fitted, tmp_path):
    estimator, head = fitted
    UnitModel(heads={"paragraph": head}).save(tmp_path / "m.json")
    model = UnitModel.load(tmp_path / "m.json")  # through the JSON file, as shipped
    X, _ = _data(np.random.default_rng(1), 2000, missing=0.0)
    expected = estimator.predict_proba(X)[:, 1]
    assert np.abs(model.probability("paragraph", _columns(X), len(X)) - expected).max() < 1e-12
    logit = model.logits("paragraph", _columns(X), len(X))
    assert np.abs(logit - estimator.decision_function(X)).max() < 1e-10  # a logit, as for logistic heads


def test_json_trees_split_values_at_the_threshold_like_scikit_learn(fitted):
    estimator, head = fitted
    thresholds = [
        (f, t) for tree in head["trees"] for f, t in zip(tree["feature"], tree["threshold"], strict=True) if f >= 0
    ]
    rng = np.random.default_rng(2)
    X, _ = _data(rng, len(thresholds), missing=0.0)
    for row, (f, t) in enumerate(thresholds):
        X[row, f] = t  # exactly on a split: goes left (value <= threshold)
    ensemble = TreeEnsemble.from_spec(head)
    assert np.abs(ensemble.raw(X) - estimator.decision_function(X)).max() < 1e-10
    assert np.array_equal(ensemble.raw(X, block=7), ensemble.raw(X))  # rows in blocks: the same logits


def test_rows_with_nan_are_not_scored_but_trees_route_nan_like_scikit_learn(fitted):
    estimator, head = fitted
    X, _ = _data(np.random.default_rng(3), 2000, missing=0.2)
    nan_rows = np.isnan(X).any(axis=1)
    assert 0 < nan_rows.sum() < len(X)
    p = UnitModel(heads={"paragraph": head}).probability("paragraph", _columns(X), len(X))
    assert np.isnan(p[nan_rows]).all()  # the detector's contract: a unit with a NaN measurement is not scored
    assert np.abs(p[~nan_rows] - estimator.predict_proba(X[~nan_rows])[:, 1]).max() < 1e-12
    # The evaluator itself follows scikit-learn's missing-value routing (missing_left).
    assert np.abs(TreeEnsemble.from_spec(head).raw(X) - estimator.decision_function(X)).max() < 1e-10
    assert {0, 1} <= {m for tree in head["trees"] for m in tree["missing_left"]}


def test_fit_head_trees_is_the_boosted_estimator(fitted):
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = _data(np.random.default_rng(4), 1500, missing=0.0)
    X[:7, 0] = np.nan  # rows with NaN are left out of the fit
    head = UnitModel.fit_head(X, y, FEATURES, C=0.1, kind="trees")
    ok = ~np.isnan(X).any(axis=1)
    estimator = HistGradientBoostingClassifier(**BOOSTED_SETTINGS, l2_regularization=10.0).fit(X[ok], y[ok])
    assert head["kind"] == "trees" and len(head["trees"]) == estimator.n_iter_
    Xt, _ = _data(np.random.default_rng(5), 500, missing=0.0)
    p = UnitModel(heads={"sentence": head}).probability("sentence", _columns(Xt), len(Xt))
    assert np.abs(p - estimator.predict_proba(Xt)[:, 1]).max() < 1e-12


def test_an_infinite_threshold_is_null_in_json_and_logistic_heads_still_load(tmp_path):
    tree = {
        "feature": [0, -1, -1],
        "threshold": [None, 0.0, 0.0],  # +inf: every value goes left, only NaN goes right
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "leaf_value": [0.0, 1.5, -2.0],
        "missing_left": [0, 0, 0],
    }
    trees = {"features": ["far"], "kind": "trees", "baseline": -0.5, "trees": [tree, tree]}
    logistic = {"features": ["far"], "coef": [-2.0], "intercept": 1.0}  # the session-5 format, no "kind"
    UnitModel(heads={"paragraph": trees, "sentence": logistic}).save(tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda name: pytest.fail(f"not plain JSON: {name}"))
    model = UnitModel.load(tmp_path / "m.json")
    assert model.kind("paragraph") == "trees" and model.kind("sentence") == "logistic" and model.kind("x") is None
    far = {"far": np.array([1e300, -3.0])}
    assert model.logits("paragraph", far, 2) == pytest.approx([2.5, 2.5])
    assert model.logits("sentence", far, 2) == pytest.approx([-2e300, 7.0])
    assert TreeEnsemble.from_spec(trees).raw(np.array([[np.nan]]))[0] == pytest.approx(-4.5)


def test_bundled_model_has_boosted_heads_in_a_small_plain_json_file():
    from importlib import resources

    path = resources.files("coherence").joinpath("data/drift_model.json")
    text = path.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 1.5e6
    json.loads(text, parse_constant=lambda name: pytest.fail(f"not plain JSON: {name}"))
    model = UnitModel.load()
    for name, head in model.heads.items():
        assert model.kind(name) == "trees"
        n = len(head["features"])
        assert all(-1 <= f < n for tree in head["trees"] for f in tree["feature"])
    rng = np.random.default_rng(6)
    columns = {f: rng.uniform(0, 1, 50) for f in model.features("paragraph")}
    p = model.probability("paragraph", columns, 50)
    assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()
