"""One-sided splice measurements at paragraph ends, and the trainer's NaN check and position breakdown."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from drift_synthetic import detect_nine_sentences, unit

from coherence.detectors.drift import (
    back_break,
    forward_break,
    load_unit_model,
    local_break,
    neighbour_paragraph_gap,
    splice_measurements,
)
from coherence.training.train_drift import (
    SENTENCE_FEATURES,
    check_nan_rows,
    features_of,
    nan_counts,
    recall_by_position,
    sentence_positions,
)

ONE_SIDED = ("back_break", "forward_break", "neighbour_paragraph_gap")


def _article_ending_in_a_splice() -> tuple[np.ndarray, np.ndarray]:
    """Two paragraphs on one topic (axis 0, drifting along axis 1); the second has two sentences and the
    last one is about something else (axis 2)."""
    v = unit([[1, 0.0, 0], [1, 0.1, 0], [1, 0.2, 0], [1, 0.3, 0], [0.1, 0, 1]])
    return v, np.array([0, 0, 0, 1, 1])


def test_back_break_sees_the_last_sentence_where_local_break_is_zero():
    v, _ = _article_ending_in_a_splice()
    assert local_break(v)[-1] == 0
    values = back_break(v)
    assert values[0] == 0 and values[1] == 0
    assert int(np.argmax(values)) == len(v) - 1 and values[-1] > 0.8
    assert np.all(np.abs(values[2:-1]) < 0.1)


def test_back_and_forward_break_by_hand():
    v = unit([[1, 0], [1, 0], [0, 1], [0, 1]])
    # back: sim(0, 1) - sim(1, 2) = 1 - 0 at sentence 2; sim(1, 2) - sim(2, 3) = 0 - 1 at sentence 3
    assert back_break(v) == pytest.approx([0, 0, 1, -1])
    # forward: sim(2, 3) - sim(1, 2) = 1 at sentence 1; sim(1, 2) - sim(0, 1) = -1 at sentence 0
    assert forward_break(v) == pytest.approx([-1, 1, 0, 0])
    assert np.all(back_break(v[:2]) == 0) and np.all(forward_break(v[:2]) == 0)


def test_neighbour_paragraph_gap_is_defined_in_two_sentence_paragraphs():
    v, owner = _article_ending_in_a_splice()
    gap = neighbour_paragraph_gap(v, owner)
    # the spliced sentence is far less like the previous paragraph than its one mate is
    assert gap[-1] < -0.8 and gap[-2] > 0.8
    assert gap[-1] == pytest.approx(-gap[-2])
    assert np.all(neighbour_paragraph_gap(v, np.zeros(len(v), dtype=int)) == 0)  # no other paragraph


def test_splice_measurements_and_the_detector_report_the_one_sided_measurements():
    v, owner = _article_ending_in_a_splice()
    m = splice_measurements(v, owner, np.ones(len(v)), np.ones(len(v)))
    assert all(np.all(np.isfinite(m[name])) for name in ONE_SIDED)
    d = detect_nine_sentences({8: 7}, seed=4).sentence_measurements
    assert d is not None and all(len(d[name]) == 9 for name in ONE_SIDED)
    assert int(np.argmax(d["back_break"])) == 8
    assert int(np.argmin(d["neighbour_paragraph_gap"])) == 8


def test_training_can_leave_the_one_sided_measurements_out():
    assert set(ONE_SIDED) <= set(SENTENCE_FEATURES)
    assert not set(ONE_SIDED) & set(features_of("sentence", ONE_SIDED))
    assert not set(ONE_SIDED) & set(features_of("paragraph"))


def test_nan_rows_fail_training_loudly(capsys):
    rows = np.array([[0.1, 0.2], [np.nan, 0.3], [0.4, np.nan], [0.5, 0.6]])
    assert nan_counts(rows, ["a", "b"]) == {"a": 1, "b": 1}
    with pytest.raises(ValueError, match=r"2 of 4 .*'a': 1, 'b': 1"):
        check_nan_rows(rows, ["a", "b"], "sentence", max_share=0.0)
    assert check_nan_rows(rows, ["a", "b"], "sentence", max_share=0.5) == 2
    assert "warning: sentence rows: 2 of 4" in capsys.readouterr().err
    assert check_nan_rows(rows[[0, 3]], ["a", "b"], "sentence", max_share=0.0) == 0
    assert capsys.readouterr().err == ""


def test_sentence_positions_in_their_paragraphs():
    units = SimpleNamespace(sentence_paragraph=[0, 1, 1, 2, 2, 2])
    assert sentence_positions(units) == [
        ("alone", "1"),
        ("first", "2"),
        ("last", "2"),
        ("first", "3+"),
        ("middle", "3+"),
        ("last", "3+"),
    ]


def test_recall_by_position_counts_found_single_sentence_splices():
    units = SimpleNamespace(sentence_paragraph=[0, 0, 0, 1, 1])
    analysis = SimpleNamespace(units=units)
    docs = [
        SimpleNamespace(kind="sentence", relation="different", gold=[(100, 150)]),
        SimpleNamespace(kind="sentence", relation="different", gold=[(200, 240)]),
        SimpleNamespace(kind="1 paragraph", relation="same", gold=[(0, 50)]),
    ]
    labels = [np.array([0, 0, 0, 0, 1.0]), np.array([0, 1.0, 0, 0, 0]), np.zeros(5)]
    flags = [[(100, 150)], [(0, 10)], [(0, 50)]]
    table = recall_by_position(docs, [analysis] * 3, flags, labels)
    assert table == {("different", "last", "2"): (1, 1), ("different", "middle", "3+"): (0, 1)}


def test_shipped_model_reads_the_one_sided_measurements_in_its_sentence_heads_only():
    model = load_unit_model("bundled")
    for name, head in model.heads.items():
        shared = set(ONE_SIDED) & set(head["features"])
        assert shared == (set(ONE_SIDED) if name.startswith("sentence") else set())
