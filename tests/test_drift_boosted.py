"""Boosted (gradient-boosted tree) heads in the drift unit model and the detector."""

from __future__ import annotations

import numpy as np
import pytest

from coherence.detectors.drift import DriftDetector
from coherence.detectors.drift_model import UnitModel


def test_boosted_head_learns_a_threshold_and_skips_nan_rows():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 400)
    rows = np.column_stack([x, rng.uniform(0, 1, 400)])
    rows[:5, 1] = np.nan  # left out of the fit
    labels = (x < 0.3).astype(float)
    head = UnitModel.fit_head(rows, labels, ["far", "noise"], C=1.0, kind="trees")
    model = UnitModel(heads={"paragraph": head})
    p = model.probability("paragraph", {"far": np.array([0.05, 0.9, np.nan]), "noise": np.full(3, 0.5)}, 3)
    assert p[0] > 0.9 and p[1] < 0.1 and np.isnan(p[2])


def test_unknown_head_kind_is_refused():
    with pytest.raises(ValueError, match="unknown head kind"):
        UnitModel.fit_head(np.zeros((4, 1)), np.array([0, 1, 0, 1]), ["far"], kind="forest")


def test_detector_flags_a_block_with_a_tree_head():
    rng = np.random.default_rng(4)
    basis = np.eye(32)
    topics = [0, 0, 0, 0, 0, 8, 8, 8]
    paragraphs = np.array([basis[t] + 0.35 * rng.standard_normal(32) / np.sqrt(32) for t in topics])
    paragraphs /= np.linalg.norm(paragraphs, axis=1, keepdims=True)
    # A hand-made one-tree head: off-topic when the paragraph is far from those two or more places away.
    tree = {
        "feature": [0, -1, -1],
        "threshold": [0.3, 0.0, 0.0],
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "leaf_value": [0.0, 6.0, -6.0],
        "missing_left": [0, 0, 0],
    }
    head = {"features": ["far"], "kind": "trees", "baseline": 0.0, "trees": [tree]}
    model = UnitModel(heads={"paragraph_no_headline": head}, paragraph_threshold=0.5, sentence_threshold=0.5)
    n = len(paragraphs)
    result = DriftDetector(unit_model=model).detect(
        paragraphs, paragraphs, list(range(n)), paragraph_words=np.full(n, 40), sentence_words=np.full(n, 40)
    )
    assert [o.index for o in result.offtopic_paragraphs] == [5, 6, 7]
    assert all("splice probability 1.00" in o.reason for o in result.offtopic_paragraphs)
    assert result.paragraph_probability[0] == pytest.approx(1 / (1 + np.exp(6.0)))


def test_train_drift_fits_boosted_heads_by_default():
    from coherence.training import train_drift

    parser = train_drift.build_parser()
    assert parser.parse_args([]).heads == "boosted"
    assert train_drift.HEAD_KINDS[parser.parse_args(["--heads", "logistic"]).heads] == "logistic"
    with pytest.raises(SystemExit):
        parser.parse_args(["--heads", "forest"])


def test_bundled_model_flags_one_outlier_paragraph_given_its_texts():
    """The bundled boosted heads on synthetic vectors, with the texts the scorer always passes (without
    texts the detector fills lexical, name and list-likeness measurements with constants real text never
    has, and the trees put this outlier just under the threshold)."""
    texts = [
        "The Rovers manager praised his strikers after the club won the derby at home on Saturday afternoon.",
        "Rovers scored twice in the first half and the club's goalkeeper saved a late penalty at the derby.",
        "The manager said the derby win lifts the club into third place, two points behind the leaders.",
        "The central bank raised interest rates by a quarter point, citing inflation in energy and food prices.",
        "Fans of the club sang throughout the derby, and the manager thanked them for the support at home.",
        "The strikers have now scored eleven goals between them, and the manager expects more from Rovers.",
        "Rovers travel to the leaders next week, when the club's goalkeeper returns from a knee injury.",
    ]
    rng = np.random.default_rng(3)
    basis = np.eye(32)
    vectors = np.array([basis[t] + 0.35 * rng.standard_normal(32) / np.sqrt(32) for t in [0, 0, 0, 7, 0, 0, 0, 0]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    paragraphs, headline = vectors[:7], vectors[7]
    words = np.array([len(t.split()) for t in texts])
    result = DriftDetector().detect(
        paragraphs,
        paragraphs,  # one sentence per paragraph
        list(range(7)),
        paragraph_words=words,
        sentence_words=words,
        headline_vector=headline,
        sentence_texts=texts,
    )
    assert UnitModel.load().kind("paragraph") == "trees"
    assert [o.index for o in result.offtopic_paragraphs] == [3]
    assert result.offtopic_sentences == []
    assert np.nanmax(np.delete(result.paragraph_probability, 3)) < 0.05
    assert result.article_score >= 1.0 and "headline" in result.offtopic_paragraphs[0].reason
