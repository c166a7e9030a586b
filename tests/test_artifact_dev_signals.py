"""The signals of the dev experiments justext_lines_dev.py and site_recurrence_dev.py (not shipped)."""

from __future__ import annotations

import pytest

from coherence.units import split_lines

justext_dev = pytest.importorskip("benchmarks.artifacts.justext_lines_dev")
site_dev = pytest.importorskip("benchmarks.artifacts.site_recurrence_dev")

PROSE = (
    "The council said on Monday that it would not be able to open the new library before the end of the "
    "year, because the builders had found that the old roof was in a much worse state than they had "
    "expected when they first looked at it."
)
OTHER_PROSE = (
    "Residents who had hoped to use the reading rooms over the winter were told that they could still "
    "borrow books from the van that visits the village twice a week, and that the council would pay for "
    "the extra trips until the work is done."
)


def test_justext_features_one_row_per_non_blank_line():
    text = f"{PROSE}\n\nShare this\n{OTHER_PROSE}\n   \n"
    rows = justext_dev.justext_features(text)
    assert rows.shape == (len(split_lines(text)), len(justext_dev.JUSTEXT_FEATURE_NAMES)) == (3, 5)
    good, cf_bad, cf_short, cf_neargood, density = rows.T
    assert good[0] == good[2] == 1.0  # long prose with many stop words
    assert cf_short[1] == 1.0 and cf_bad[0] == cf_short[0] == cf_neargood[0] == 0.0
    assert density[0] > 0.32 and density[1] == 0.5  # "this" is one stop word of two
    assert justext_dev.justext_features("\n  \n").shape == (0, 5)


def test_justext_features_short_line_between_bad_lines_stays_bad():
    rows = justext_dev.justext_features("Home\nNews\nShare this\nMenu")
    assert rows[:, 0].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_site_of_strips_www_and_falls_back_to_the_file():
    assert site_dev.site_of({"source": "www.example.com"}, "a.jsonl.gz") == "example.com"
    assert site_dev.site_of({"source": None}, "a.jsonl.gz") == "file:a.jsonl.gz"


def test_site_recurrence_counts_near_lines_but_not_copies_of_the_article():
    bio = "Jane Roe writes about gardens for the Weekly Sprout and lives in Ohio with two dogs."
    site = site_dev.Site()
    site.add("a", f"{PROSE}\n{bio}")
    site.add("copy of a", f"{PROSE}\n{bio}")
    b_lines = [OTHER_PROSE, "The fete is on Sunday.", "Parking is free.", bio.replace("two dogs", "three dogs")]
    site.add("b", "\n".join(b_lines))
    site.add("c", f"{OTHER_PROSE}\nSomething else entirely, about roads.")
    site.finish()
    assert site.recurrence("a", bio, jaccard=0.6) == (0, 1)  # b has a near line; the copy does not count
    assert site.recurrence("a", bio, jaccard=0.95) == (0, 0)
    assert site.recurrence("c", OTHER_PROSE, jaccard=0.6) == (1, 1)  # the same line in b (1 of its 4 lines)
    assert site.recurrence("a", "–", jaccard=0.6) == (0, 0)  # no words: never recurs
