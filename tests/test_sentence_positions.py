"""The layout positions the sentence-position dev check counts by."""

from benchmarks.quality.sentence_positions import POSITIONS, positions


def test_each_sentence_gets_its_layout_position():
    inside, first, middle, last = POSITIONS
    assert positions([0, 1, 1, 2, 3]) == [first, inside, inside, middle, last]
    assert positions([0, 0, 1, 1]) == [inside] * 4
    assert positions([]) == []
