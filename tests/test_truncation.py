"""The cut-off signals judge the last content sentence, not whatever page furniture ends the text."""

from __future__ import annotations

import pytest

from coherence.detectors.endings import ends_mid_sentence, ends_open, last_content_line, without_glued_tag
from coherence.explain import reasons
from coherence.units import content_units

BODY = (
    "The harbour board voted on Tuesday to close the old ferry pier for repairs over the winter.\n\n"
    "Board members said the timber piles had rotted faster than engineers had expected after two wet years.\n\n"
)
FINISHED = "The pier is due to reopen in April, when the summer timetable for the island crossing begins."
CUT = "The pier is due to reopen in April, when the summer timetable for the island crossing"


def _line(text: str) -> str:
    return last_content_line(text, content_units(text))


@pytest.mark.parametrize(
    ("last", "mid", "open_"),
    [
        (FINISHED, 0.0, 0.0),
        (CUT, 1.0, 1.0),
        (FINISHED + " Harbourside Herald", 0.0, 0.0),  # a site tag glued to a finished sentence
        (FINISHED + "/harbourherald.example", 0.0, 0.0),  # a domain glued without a space
        (FINISHED + " Via: Coastal Wire", 0.0, 0.0),
        (FINISHED + " ***", 0.0, 0.0),
        (FINISHED[:-1] + ".“", 0.0, 0.0),  # an opening quote typed at the end of a quotation
        (FINISHED + " They", 1.0, 0.0),  # a new sentence cut after its first word
        (FINISHED + " But officials", 1.0, 1.0),
        (FINISHED + " In April,", 1.0, 1.0),  # a cut phrase, not a tag
        (CUT + " Harbourside Herald", 1.0, 0.0),  # a tag after an unfinished sentence does not finish it
    ],
)
def test_end_judged_on_last_sentence(last, mid, open_):
    line = _line(BODY + last)
    assert (ends_mid_sentence(line), ends_open(line)) == (mid, open_)


def test_glued_tag_is_set_aside_only_after_a_finished_sentence():
    assert without_glued_tag(FINISHED + " Harbourside Herald") == FINISHED
    assert without_glued_tag(CUT + " Harbourside Herald") == CUT + " Harbourside Herald"
    assert without_glued_tag("A figure of 3.5 per cent was given by example.com") == (
        "A figure of 3.5 per cent was given by example.com"
    )


def test_short_last_line_of_a_long_paragraph_can_be_cut():
    text = BODY + FINISHED + "\n- Engineers said the new piles would"
    line = _line(text)
    assert line == "- Engineers said the new piles would"
    words = len(content_units(text).paragraph_texts[-1].split())
    assert (ends_mid_sentence(line, words), ends_open(line)) == (1.0, 1.0)
    assert ends_mid_sentence(line) == 0.0  # on its own, too short to judge


def test_list_at_the_end_is_not_a_cut_sentence():
    text = BODY + (
        "Members of the new repair committee\n"
        "Ana Whitcombe, harbour engineer for the northern district office\n"
        "Joel Pardoe, treasurer of the island ferry users association"
    )
    line = _line(text)
    assert line == ""
    assert (ends_mid_sentence(line), ends_open(line)) == (0.0, 0.0)


def test_hard_wrapped_last_sentence_is_read_as_one():
    text = BODY + "The pier is due to reopen in April, when the summer\ntimetable for the island crossing begins"
    line = _line(text)
    assert line.startswith("The pier is due")
    assert ends_mid_sentence(line) == 1.0


def test_widget_line_after_a_finished_story_is_not_a_cut(scorer):
    finished = BODY + FINISHED + "\n\nLike this:\n\nLike Loading..."
    cut = BODY + CUT + "\n\nLike this:\n\nLike Loading..."
    tagged = BODY + FINISHED + " Harbourside Herald\n\nLike this:\n\nLike Loading..."
    signals = {
        name: scorer.score({"id": name, "text": t, "title": "Ferry pier to close for winter repairs"}).signals
        for name, t in (("finished", finished), ("cut", cut), ("tagged", tagged))
    }
    assert signals["finished"]["ends_mid_sentence"] == 0.0
    assert signals["tagged"]["ends_mid_sentence"] == 0.0
    assert signals["tagged"]["ends_open"] == 0.0
    assert signals["cut"]["ends_mid_sentence"] == 1.0
    assert signals["cut"]["ends_open"] == 1.0


def test_reason_quotes_the_end_of_the_content_not_the_widget(scorer):
    text = BODY + CUT + "\n\nLike this:\n\nLike Loading..."
    report = scorer.score({"id": "cut", "text": text, "title": "Ferry pier to close for winter repairs"})
    stops = [r for r in reasons(report, text) if r.startswith("the text stops mid-sentence")]
    assert stops == ["the text stops mid-sentence (“…summer timetable for the island crossing”)"]
