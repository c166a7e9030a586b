"""Learned off-topic combiner: per-unit-level models over the drift detector's per-unit measurements.

:class:`~coherence.detectors.drift.DriftDetector` measures, for every paragraph and sentence, how
it relates to the rest of its article (similarity to the other paragraphs, to the headline, to its
neighbours, lexical cohesion, length, position; see ``DriftDetector.paragraph_measurements`` and
``sentence_measurements``). :class:`UnitModel` turns a unit's named measurements into the
probability that it was spliced in from another story, with one model ("head") per unit level, with
and without a headline. A head is either logistic (coefficients and an intercept) or boosted (a sum
of regression trees, evaluated here with numpy; the logit is the baseline plus one leaf value per
tree). It is fitted on the dev half of the BBC splice benchmark only
(``python -m coherence.training.train_drift``) and ships as plain JSON
(``coherence/data/drift_model.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

#: The heads a model may hold: unit level, with or without the article's headline.
HEADS = ("paragraph", "paragraph_no_headline", "sentence", "sentence_no_headline")

#: The boosted heads' scikit-learn settings (``l2_regularization`` is 1 / C of the training grid).
BOOSTED_SETTINGS = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "random_state": 0}


def head_name(level: str, has_headline: bool) -> str:
    """The head that scores units of ``level`` ("paragraph" or "sentence")."""
    return level if has_headline else f"{level}_no_headline"


@dataclass(frozen=True)
class TreeEnsemble:
    """A boosted head's trees packed into flat arrays (node ``k`` of tree ``t`` at ``t * width + k``).

    Leaves point to themselves, so ``depth`` steps of "go left or right" reach every row's leaf.
    """

    feature: np.ndarray  # input column tested at each node (0 at leaves)
    threshold: np.ndarray  # go left when the value is <= threshold
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray  # where a NaN goes
    leaf_value: np.ndarray  # 0 at internal nodes
    roots: np.ndarray  # flat index of each tree's root
    depth: int
    baseline: float

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> TreeEnsemble:
        """Pack a boosted head's JSON trees (see :class:`UnitModel`)."""
        trees = spec["trees"]
        width = max(len(t["feature"]) for t in trees) if trees else 1
        size = len(trees) * width
        feature = np.zeros(size, dtype=np.intp)
        threshold = np.zeros(size)
        left = np.arange(size, dtype=np.intp)
        right = np.arange(size, dtype=np.intp)
        missing_left = np.zeros(size, dtype=bool)
        leaf_value = np.zeros(size)
        depth = 0
        for t, tree in enumerate(trees):
            base, n = t * width, len(tree["feature"])
            f = np.asarray(tree["feature"], dtype=np.intp)
            internal = f >= 0
            nodes = base + np.arange(n)
            feature[nodes] = np.where(internal, f, 0)
            # JSON has no infinity: a null threshold is +inf (every non-missing value goes left).
            thr = np.array([np.inf if v is None else v for v in tree["threshold"]], dtype=float)
            threshold[nodes] = thr
            left[nodes] = np.where(internal, base + np.asarray(tree["left"], dtype=np.intp), nodes)
            right[nodes] = np.where(internal, base + np.asarray(tree["right"], dtype=np.intp), nodes)
            missing_left[nodes] = np.asarray(tree["missing_left"], dtype=bool)
            leaf_value[nodes] = np.where(internal, 0.0, np.asarray(tree["leaf_value"], dtype=float))
            depth = max(depth, _tree_depth(tree["left"], tree["right"], f))
        roots = np.arange(len(trees), dtype=np.intp) * width
        return cls(feature, threshold, left, right, missing_left, leaf_value, roots, depth, float(spec["baseline"]))

    def raw(self, X: np.ndarray, block: int = 1024) -> np.ndarray:
        """The logit of each row of ``X`` (NaN values follow ``missing_left``, as in scikit-learn), ``block``
        rows at a time so that a very long article does not need rows x trees x 8 bytes many times over."""
        if len(X) > block:
            return np.concatenate([self.raw(X[k : k + block], block) for k in range(0, len(X), block)])
        rows = np.arange(len(X))[:, None]
        node = np.broadcast_to(self.roots, (len(X), len(self.roots))).copy()
        for _ in range(self.depth):
            x = X[rows, self.feature[node]]
            with np.errstate(invalid="ignore"):
                go_left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
            node = np.where(go_left, self.left[node], self.right[node])
        return self.baseline + self.leaf_value[node].sum(axis=1)


def _tree_depth(left: Sequence[int], right: Sequence[int], feature: np.ndarray) -> int:
    """Edges on the longest path from the root (node 0) to a leaf."""
    depth, frontier = 0, [0]
    while True:
        frontier = [c for k in frontier if feature[k] >= 0 for c in (left[k], right[k])]
        if not frontier:
            return depth
        depth += 1


def trees_from_hist_gradient_boosting(estimator: Any, features: Sequence[str]) -> dict[str, Any]:
    """A boosted head (JSON-ready) from a fitted binary ``HistGradientBoostingClassifier``.

    Reads the estimator's private ``_predictors`` and ``_baseline_prediction`` (numeric features only);
    ``tests/test_drift_model_trees.py`` checks that the result reproduces ``predict_proba``.
    """
    if getattr(estimator, "n_trees_per_iteration_", 1) != 1:
        raise ValueError("only binary classifiers have one tree per round")
    trees = []
    for (predictor,) in estimator._predictors:
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits have no JSON form here")
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            {
                "feature": np.where(leaf, -1, nodes["feature_idx"]).tolist(),
                "threshold": [None if np.isinf(v) else float(v) for v in np.where(leaf, 0.0, nodes["num_threshold"])],
                "left": np.where(leaf, -1, nodes["left"].astype(np.int64)).tolist(),
                "right": np.where(leaf, -1, nodes["right"].astype(np.int64)).tolist(),
                "leaf_value": np.where(leaf, nodes["value"], 0.0).tolist(),
                "missing_left": nodes["missing_go_to_left"].astype(int).tolist(),
            }
        )
    return {
        "features": list(features),
        "kind": "trees",
        "baseline": float(np.ravel(estimator._baseline_prediction)[0]),
        "trees": trees,
    }


class UnitModel:
    """Off-topic probabilities of paragraphs and sentences from their measurements.

    Parameters
    ----------
    heads:
        For each name in :data:`HEADS`, either a logistic head
        ``{"features": [...], "coef": [...], "intercept": float}`` (logit =
        sum(coef[k] * measurement[features[k]]) + intercept) or a boosted head
        ``{"features": [...], "kind": "trees", "baseline": float, "trees": [...]}`` (logit = baseline +
        the leaf value each tree gives; each tree holds per-node lists ``feature`` (index into
        ``features``, -1 at leaves), ``threshold`` (left when value <= threshold), ``left``, ``right``,
        ``leaf_value`` and ``missing_left``). A missing head scores nothing; a unit with any NaN
        measurement is not scored by either kind.
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
        self._ensembles: dict[str, TreeEnsemble] = {}

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
        """Write the model as JSON, with ``meta`` (how it was trained) alongside; one line per tree."""
        trees: list[str] = []

        def compact(head: Mapping[str, Any]) -> dict[str, Any]:
            if "trees" not in head:
                return dict(head)
            placeholders = []
            for tree in head["trees"]:
                placeholders.append(f"@tree{len(trees)}@")
                trees.append(json.dumps(tree, separators=(",", ":"), allow_nan=False))
            return {**head, "trees": placeholders}

        data = {
            **meta,
            "paragraph_threshold": self.paragraph_threshold,
            "sentence_threshold": self.sentence_threshold,
            "heads": {name: compact(head) for name, head in (self.heads or {}).items()},
        }
        text = json.dumps(data, indent=2, allow_nan=False)
        for k, tree in enumerate(trees):
            text = text.replace(f'"@tree{k}@"', tree, 1)
        Path(path).write_text(text + "\n", encoding="utf-8")

    def threshold(self, level: str) -> float:
        return self.paragraph_threshold if level == "paragraph" else self.sentence_threshold

    def features(self, head: str) -> list[str]:
        return list((self.heads or {}).get(head, {}).get("features", []))

    def kind(self, head: str) -> str | None:
        """The head's kind: "logistic" or "trees" (None without this head)."""
        spec = (self.heads or {}).get(head)
        return None if spec is None else str(spec.get("kind", "logistic"))

    def logits(self, head: str, measurements: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """The logit of each of ``n`` units (NaN where a measurement is NaN, or without this head)."""
        spec = (self.heads or {}).get(head)
        if spec is None or n == 0:
            return np.full(n, np.nan)
        X = np.column_stack([np.broadcast_to(np.asarray(measurements[f], dtype=float), (n,)) for f in spec["features"]])
        if spec.get("kind", "logistic") == "logistic":
            return X @ np.asarray(spec["coef"], dtype=float) + float(spec["intercept"])
        if head not in self._ensembles:
            self._ensembles[head] = TreeEnsemble.from_spec(spec)
        out = np.full(n, np.nan)
        ok = ~np.isnan(X).any(axis=1)
        if ok.any():
            out[ok] = self._ensembles[head].raw(X[ok])
        return out

    def probability(self, head: str, measurements: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """P(spliced in) of each of ``n`` units (NaN where not scored)."""
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-self.logits(head, measurements, n)))

    @staticmethod
    def fit_head(
        rows: np.ndarray, labels: np.ndarray, features: Sequence[str], C: float = 1.0, kind: str = "logistic"
    ) -> dict[str, Any]:
        """One head fitted on the rows without NaN: ``kind="logistic"`` (L2 logistic regression on
        standardised rows; the standardisation is folded into the returned coefficients, so they apply
        to raw measurements) or ``"trees"`` (scikit-learn's ``HistGradientBoostingClassifier`` with
        :data:`BOOSTED_SETTINGS` and ``l2_regularization = 1 / C``, exported as a boosted head)."""
        ok = ~np.isnan(rows).any(axis=1)
        if kind == "trees":
            from sklearn.ensemble import HistGradientBoostingClassifier

            estimator = HistGradientBoostingClassifier(**BOOSTED_SETTINGS, l2_regularization=1.0 / C)
            return trees_from_hist_gradient_boosting(estimator.fit(rows[ok], labels[ok]), features)
        if kind != "logistic":
            raise ValueError(f"unknown head kind {kind!r}")
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

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
