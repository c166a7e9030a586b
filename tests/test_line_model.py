"""The context features of benchmarks/artifacts/context_features_dev.py (a dev experiment, not shipped)."""

from __future__ import annotations

import numpy as np
import pytest

from coherence.detectors.line_features import FEATURE_NAMES
from coherence.detectors.line_model import load_line_model

dev = pytest.importorskip("benchmarks.artifacts.context_features_dev")
CONTEXT_FEATURE_NAMES, context_features, is_sentence_like = (
    dev.CONTEXT_FEATURE_NAMES,
    dev.context_features,
    dev.is_sentence_like,
)

PAGE = [
    "Share this story",  # 0: furniture above the article
    "Tweet",  # 1
    "The council voted on Tuesday to close the old library for repairs next spring.",  # 2: first sentence
    "Residents said they would miss it, and several asked where the books would go.",  # 3
    "Related stories",  # 4: mid-article
    "The library will reopen in the autumn after the roof has been replaced in full.",  # 5: last sentence
    "Follow us on Twitter",  # 6: furniture below
    "Copyright 2017",  # 7
]
FLAGGED = [True, True, False, False, False, False, True, False]
HITS = [False, False, False, False, True, False, False, True]


def column(rows: np.ndarray, name: str) -> list[float]:
    return [float(v) for v in rows[:, CONTEXT_FEATURE_NAMES.index(name)]]


@pytest.fixture(scope="module")
def rows() -> np.ndarray:
    return context_features(PAGE, FLAGGED, HITS)


def test_context_features_shape_and_separate_from_the_shipped_model(rows):
    assert rows.shape == (len(PAGE), len(CONTEXT_FEATURE_NAMES))
    assert not set(CONTEXT_FEATURE_NAMES) & set(FEATURE_NAMES)
    assert load_line_model().feature_names == FEATURE_NAMES  # the bundled model does not use them
    assert context_features([], [], []).shape == (0, len(CONTEXT_FEATURE_NAMES))


def test_place_before_the_first_and_after_the_last_sentence(rows):
    assert column(rows, "before_first_sentence") == [1, 1, 0, 0, 0, 0, 0, 0]
    assert column(rows, "after_last_sentence") == [0, 0, 0, 0, 0, 0, 1, 1]
    assert column(rows, "log_lines_before_first_sentence")[:3] == pytest.approx([np.log(3), np.log(2), 0.0])
    assert column(rows, "log_lines_after_last_sentence")[5:] == pytest.approx([0.0, np.log(2), np.log(3)])
    no_sentence = context_features(["Home", "News"], [False, False], [False, False])
    assert column(no_sentence, "before_first_sentence") == [1, 1]
    assert column(no_sentence, "log_lines_before_first_sentence") == [0.0, 0.0]


def test_neighbours_hits_shapes_and_flagged_shares(rows):
    assert column(rows, "prev_pattern_hit") == [0, 0, 0, 0, 0, 1, 0, 0]
    assert column(rows, "next_pattern_hit") == [0, 0, 0, 1, 0, 0, 1, 0]
    assert column(rows, "prev_short_unpunctuated")[:3] == [0, 1, 1]
    assert column(rows, "next_sentence_like")[:3] == [0, 1, 1]
    assert column(rows, "flagged_share_within_2")[0] == pytest.approx(0.5)  # lines 1 and 2
    assert column(rows, "flagged_share_below")[5] == pytest.approx(0.5)  # lines 6 and 7
    assert column(rows, "flagged_share_above")[3] == pytest.approx(2 / 3)  # lines 0-2
    assert column(rows, "flagged_share_below")[-1] == 0.0 and column(rows, "flagged_share_above")[0] == 0.0
    lengths = column(rows, "log_chars_vs_median")
    assert lengths[1] < 0 < lengths[2]


def test_sentence_like_needs_eight_words_and_a_sentence_end():
    assert is_sentence_like("The council voted on Tuesday to close the library.")
    assert not is_sentence_like("The council voted to close it.")
    assert not is_sentence_like("The council voted on Tuesday to close the old library")
