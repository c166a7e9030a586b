"""benchmarks.quality.topic_cut: the topic_outlier cut it refits with, and that it leaves the features as found."""

import math

import pytest

from benchmarks.quality.topic_cut import cut_feature, topic_cut
from coherence.scoring import FEATURES, OLD_TOPIC_OUTLIER_BELOW, TOPIC_OUTLIER_BELOW, quality_features


def test_a_cut_with_no_slope_is_the_old_fixed_one():
    signals = {"min_topic_similarity": 0.25, "paragraphs": 9.0}
    assert cut_feature(OLD_TOPIC_OUTLIER_BELOW, 0.0)(signals) == pytest.approx(OLD_TOPIC_OUTLIER_BELOW - 0.25)
    assert cut_feature(0.6, 0.1)(signals) == pytest.approx(0.6 - 0.1 * math.log(9.0) - 0.25)


def test_the_cut_holds_only_inside_the_block():
    signals = {"min_topic_similarity": 0.3, "paragraphs": 4.0}
    before = quality_features(signals, ["topic_outlier"])["topic_outlier"]
    assert before == pytest.approx(cut_feature(*TOPIC_OUTLIER_BELOW)(signals))
    with topic_cut(0.9, 0.0):
        assert quality_features(signals, ["topic_outlier"])["topic_outlier"] == pytest.approx(0.6)
    assert quality_features(signals, ["topic_outlier"])["topic_outlier"] == before
    assert FEATURES["topic_outlier"][0] == "min_topic_similarity"
