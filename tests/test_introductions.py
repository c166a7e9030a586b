"""Story introductions: a text that opens mid-story, people referred to before being named."""

import pytest

from coherence.detectors.introductions import StoryIntroductions
from coherence.scoring import FEATURES, quality_features

LEAD = "Jane Porter, the mayor of Eastbrook, has resigned after a row over the town's new bus station."
MIDDLE = "Ms Porter said she had no regrets and would stay on the council."
QUOTE = "\u201cI did what I thought was right,\u201d she said on Tuesday."
LATER = "But opponents said the project had run two years late and far over budget."


@pytest.mark.parametrize(
    ("opening", "cue"),
    [
        (LATER, "opens with 'But'"),
        ("He later told reporters the vote had been fair.", "opens with 'He'"),
        (QUOTE, "opens inside a quotation"),
        ("The decision was taken on Monday, he said.", "opens with 'The decision'"),
        ("Turnout was low in the north of the town, she said.", "quotes an unnamed 'she said'"),
    ],
)
def test_a_continuation_opening_is_named(opening, cue):
    assert StoryIntroductions().opening_cue(opening) == cue


@pytest.mark.parametrize("opening", [LEAD, "It is the first time a mayor of the town has resigned.", ""])
def test_an_ordinary_lead_has_no_cue(opening):
    assert StoryIntroductions().opening_cue(opening) is None


def test_a_title_before_the_full_name_is_an_early_reference():
    intro = StoryIntroductions()
    assert intro.early_references([LEAD, MIDDLE, QUOTE]) == []
    assert intro.early_references([MIDDLE, LEAD, QUOTE]) == ["Ms Porter"]
    # someone only ever named by title is not counted: there is no introduction to miss
    assert intro.early_references(["Mr Grant opened the meeting.", LEAD]) == []


def test_signals_of_an_intact_and_a_reordered_story():
    intro = StoryIntroductions()
    intact = intro.signals([LEAD, MIDDLE, QUOTE, LATER])
    reordered = intro.signals([LATER, MIDDLE, LEAD, QUOTE])
    assert intact == {"opens_mid_story": 0.0, "names_before_introduction": 0.0}
    assert reordered == {"opens_mid_story": 1.0, "names_before_introduction": 1.0}
    assert intro.signals([]) == {"opens_mid_story": 0.0, "names_before_introduction": 0.0}


def test_features_are_zero_for_an_intact_story_and_capped():
    names = ["opens_mid_story", "names_before_introduction"]
    assert set(names) <= set(FEATURES)
    assert quality_features({}, names) == {"opens_mid_story": 0.0, "names_before_introduction": 0.0}
    assert quality_features({"opens_mid_story": 1.0, "names_before_introduction": 5.0}, names) == {
        "opens_mid_story": 1.0,
        "names_before_introduction": 2.0,
    }


def test_scorer_reports_both_signals(scorer):
    text = "\n\n".join([LATER, MIDDLE, LEAD, QUOTE])
    signals = scorer.score(text, title="Eastbrook mayor resigns over bus station").signals
    assert signals["opens_mid_story"] == 1.0
    assert signals["names_before_introduction"] == 1.0
