"""The sentence measurements aimed at one sentence spliced inside a paragraph (drift.splice_measurements)."""

from __future__ import annotations

import numpy as np
import pytest
from drift_synthetic import detect_nine_sentences, unit

from coherence.detectors.drift import load_unit_model, local_break, paragraph_fit, paragraph_gap
from coherence.training.train_drift import SENTENCE_FEATURES, features_of

NEW = ("local_break", "paragraph_fit", "lexical_paragraph_gap", "names_paragraph_gap")


def _one_paragraph_with_a_splice() -> np.ndarray:
    """Five sentences on one topic (axis 0, drifting slowly along axis 1) and one on another (axis 2) third."""
    return unit([[1, 0.0, 0], [1, 0.1, 0], [0.1, 0, 1], [1, 0.2, 0], [1, 0.3, 0], [1, 0.4, 0]])


def test_local_break_is_largest_at_the_spliced_sentence_and_zero_at_the_ends():
    values = local_break(_one_paragraph_with_a_splice())
    assert values[0] == 0 and values[-1] == 0
    assert int(np.argmax(values)) == 2
    assert values[2] > 0.8  # its neighbours fit each other (~1) far better than they fit it (~0.1)
    assert np.all(values[[1, 3, 4]] < 0.2)


def test_local_break_by_hand():
    v = unit([[1, 0], [0, 1], [1, 0]])
    # sim(prev, next) = 1, sim(prev, s) = sim(s, next) = 0
    assert local_break(v)[1] == pytest.approx(1.0)
    assert np.all(local_break(v[:2]) == 0)


def test_paragraph_fit_is_lowest_at_the_spliced_sentence_and_zero_in_short_paragraphs():
    v = _one_paragraph_with_a_splice()
    owner = np.zeros(len(v), dtype=int)
    fit = paragraph_fit(v, owner)
    assert int(np.argmin(fit)) == 2 and fit[2] < -0.7
    assert np.all(fit[[0, 1, 3, 4, 5]] > 0)
    two = paragraph_fit(v[:5], np.array([0, 0, 1, 1, 1]))
    assert np.all(two[:2] == 0) and np.all(two[2:] != 0)


def test_paragraph_fit_by_hand():
    v = unit([[1, 0], [1, 0], [0, 1]])
    fit = paragraph_fit(v, np.zeros(3, dtype=int))
    # sentence 2: mean sim to the others 0, the others' sim to each other 1
    assert fit[2] == pytest.approx(-1.0)
    # sentence 0: mean sim to the others (1 + 0) / 2, the others' (1 and 2) sim 0
    assert fit[0] == pytest.approx(0.5)


def test_paragraph_gap_compares_with_the_median_of_the_paragraph_mates():
    values = np.array([0.8, 0.6, 0.1, 0.7, 0.5])
    gap = paragraph_gap(values, np.array([0, 0, 0, 0, 1]))
    assert gap[2] == pytest.approx(0.1 - 0.7)
    assert gap[0] == pytest.approx(0.8 - 0.6)
    assert gap[4] == 0


def test_detector_reports_the_new_measurements_for_every_sentence():
    m = detect_nine_sentences({5: 5}, seed=3).sentence_measurements
    n = 9
    assert m is not None and all(len(m[name]) == n and np.all(np.isfinite(m[name])) for name in NEW)
    assert int(np.argmax(m["local_break"])) == 5
    assert int(np.argmin(m["paragraph_fit"])) == 5


def test_shipped_model_reads_the_new_measurements_in_its_sentence_heads_only():
    model = load_unit_model("bundled")
    for name, head in model.heads.items():
        shared = set(NEW) & set(head["features"])
        assert shared == (set(NEW) if name.startswith("sentence") else set())


def test_training_uses_them_unless_left_out():
    assert set(NEW) <= set(SENTENCE_FEATURES)
    assert not set(NEW) & set(features_of("sentence", NEW))
    assert not set(NEW) & set(features_of("paragraph"))
