"""Duplicates: the headline repeated in the body, repeated paragraphs, and duplicates across a corpus."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coherence.cli import main
from coherence.detectors import HeadlineDetector, RepeatDetector
from coherence.detectors.corpus import CorpusIndex
from coherence.units import Span


def span_of(text: str, substring: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(substring, start + 1)
    return start, start + len(substring)


def headline_repeats(text: str, title: str | None) -> list[tuple[int, int]]:
    detector = HeadlineDetector()
    return [(f.start, f.end) for f in detector.repeats(text, detector.find(text, title))]


@pytest.mark.parametrize("article_id", ["repeated-paragraph", "seed-like"])
def test_fixture_headline_repeats(article_id, fixture_reports, fixture_articles, expected):
    text = fixture_articles[article_id]["text"]
    want = [span_of(text, d["substring"], d.get("occurrence", 0)) for d in expected[article_id]["duplicate_headline"]]
    got = [(f.start, f.end) for f in fixture_reports[article_id].flags if f.kind == "duplicate_headline"]
    assert got == want


@pytest.mark.parametrize("article_id", ["clean-economy", "clean-notitle", "artifact-heavy", "spliced-paragraph"])
def test_no_headline_repeat_where_none_belongs(article_id, fixture_reports):
    assert fixture_reports[article_id].flags_of("duplicate_headline") == []


def test_repeated_paragraph_fixture(fixture_articles, expected):
    text = fixture_articles["repeated-paragraph"]["text"]
    got = [(f.start, f.end) for f in RepeatDetector().detect(text)]
    want = [
        span_of(text, d["substring"], d.get("occurrence", 0)) for d in expected["repeated-paragraph"]["duplicate_text"]
    ]
    assert want[0] in got


TITLE = "Council approves new cycle lanes for city centre"
BODY = "The city council voted 31 to 12 on Tuesday to build 25 km of protected cycle lanes by 2027."


@pytest.mark.parametrize(
    "copy",
    [
        TITLE,
        TITLE.upper(),
        "council approves new cycle lanes, for city centre!",
        "Council  approves new   cycle lanes for city centre",
        TITLE + " - The Daily Ledger",
        "The Daily Ledger | " + TITLE,
        "BREAKING: " + TITLE,
    ],
)
def test_headline_variants_are_repeats(copy):
    text = f"{copy}\n\n{BODY}"
    assert headline_repeats(text, TITLE) == [(0, len(copy))]


def test_headline_glued_to_first_sentence_gets_only_its_span():
    text = f"{TITLE}: {BODY}"
    assert headline_repeats(text, TITLE) == [(0, len(TITLE) + 1)]


@pytest.mark.parametrize(
    "text",
    [
        "Council approves new budget for city schools\n\n" + BODY,  # another headline
        "Council approves new cycle lanes for city centre, but critics say the plan is too slow.\n\n" + BODY,
        "The post Council approves new cycle lanes for city centre appeared first on The Ledger.\n\n" + BODY,
    ],
)
def test_not_headline_repeats(text):
    detector = HeadlineDetector()
    skip = [Span(0, text.index("\n"))] if text.startswith("The post") else []
    assert detector.repeats(text, detector.find(text, TITLE), skip=skip) == []


@pytest.mark.parametrize("separator", ["* * *", "*  *  *", "— 2 —", "Brody –"])
def test_a_separator_line_is_never_the_inferred_headline(separator):
    text = (
        "A long opening paragraph about the harbour council's vote on dredging, which ended late on Monday.\n\n"
        f"{separator}\n\nThe second part of the story goes on for a good many more words than the line above it."
    )
    assert HeadlineDetector().find(text, None) is None


def _article(i: int) -> str:
    topics = ["rail strike", "harbour dredging", "school meals", "library hours", "bus fares", "park fees"]
    return (
        f"Officials in district {i} announced changes to {topics[i % len(topics)]} on Monday after a long review. "
        f"The plan number {i} will be discussed by the committee next month, a spokesperson said, "
        f"and residents can comment online until the end of the month. Item {i * 7} was approved."
    )


def test_corpus_exact_near_and_shared_headline():
    index = CorpusIndex()
    first = index.add("a", _article(1), "Changes announced")
    assert first.to_dict() == {
        "duplicate_of": None,
        "near_duplicate_of": None,
        "headline_shared_with": 0,
        "cluster": None,
    }
    assert index.add("b", _article(2), "Other news").duplicate_of is None
    exact = index.add("c", _article(1).upper() + "  ", "A reworded headline")
    assert exact.to_dict() == {
        "duplicate_of": "a",
        "near_duplicate_of": None,
        "headline_shared_with": 0,
        "cluster": "a",
    }
    assert [f.kind for f in exact.flags] == ["duplicate_article"]
    near = index.add("d", _article(1).replace("was approved", "was accepted"), "Changes announced")
    assert near.near_duplicate_of == "a" and near.cluster == "a" and near.duplicate_of is None
    assert near.headline_shared_with == 1
    templated = index.add("e", _article(3), "Changes announced")
    assert templated.duplicate_of is None and templated.near_duplicate_of is None
    assert templated.headline_shared_with == 2
    assert [(f.kind, f.field) for f in templated.flags] == [("shared_headline", "title")]
    assert index.clusters() == {"a": ["a", "c", "d"]}
    records = index.cluster_records()
    assert {r["kind"] for r in records} == {"duplicate_text", "shared_headline"}
    shared = next(r for r in records if r["kind"] == "shared_headline")
    assert shared["members"] == ["a", "d", "e"] and shared["distinct_bodies"] == 2


def test_corpus_short_or_empty_bodies_are_not_duplicates():
    index = CorpusIndex()
    index.add("a", "Too short.", None)
    assert index.add("b", "Too short.", None).duplicate_of is None
    assert index.add("c", "", "Some headline here").duplicate_of is None


def test_scorer_fills_corpus_in_input_order(scorer):
    articles = [
        {"id": "one", "title": "Changes announced", "text": _article(1)},
        {"id": "two", "title": "Other news", "text": _article(2)},
        {"id": "bad", "title": "x", "text": "   "},
        {"id": "three", "title": "Changes announced", "text": _article(1)},
    ]
    reports = list(scorer.score_many(articles))
    assert [r.id for r in reports] == ["one", "two", "bad", "three"]
    assert reports[0].corpus["duplicate_of"] is None
    assert reports[2].error is not None
    assert reports[3].corpus == {
        "duplicate_of": "one",
        "near_duplicate_of": None,
        "headline_shared_with": 1,
        "cluster": "one",
    }
    assert reports[3].signals["duplicate_article"] == 1.0
    assert "duplicate_article" in [f.kind for f in reports[3].flags]


def test_cli_duplicates(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "title": "Changes announced", "text": _article(1)},
        {"id": "b", "title": "Changes announced", "text": _article(2)},
        {"id": "c", "title": "Reworded", "text": _article(1)},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "clusters.jsonl"
    result = CliRunner().invoke(main, ["duplicates", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    text_clusters = [r for r in records if r["kind"] == "duplicate_text"]
    assert text_clusters == [
        {
            "kind": "duplicate_text",
            "cluster": "a",
            "size": 2,
            "members": [{"id": "a", "relation": "representative"}, {"id": "c", "relation": "exact", "similarity": 1.0}],
        }
    ]
    shared = [r for r in records if r["kind"] == "shared_headline"]
    assert shared[0]["members"] == ["a", "b"] and shared[0]["distinct_bodies"] == 2


def test_cli_duplicates_and_clean_rename_a_repeated_id_as_score_does(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "title": "Changes announced", "text": _article(1)},
        {"id": "a", "title": "Changes announced", "text": _article(1)},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "clusters.jsonl"
    result = CliRunner().invoke(main, ["duplicates", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    members = [m["id"] for r in records if r["kind"] == "duplicate_text" for m in r["members"]]
    assert members == ["a", "a#2"]
    assert "reported as 'a#2'" in result.stderr

    cleaned = tmp_path / "clean.jsonl"
    result = CliRunner().invoke(main, ["clean", str(path), "-o", str(cleaned)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in cleaned.read_text().splitlines()] == ["a", "a#2"]


def test_corpus_index_names_a_repeated_id():
    index = CorpusIndex()
    index.add("a", _article(1))
    with pytest.raises(ValueError, match="'a' is already in the index"):
        index.add("a", _article(2))


def test_renaming_never_gives_an_id_that_is_taken():
    from coherence.article import Article
    from coherence.record_ids import unique_ids

    items = [Article(i, "some words") for i in ("a", "a#2", "a", "a")]
    assert [item.id for item in unique_ids(items)] == ["a", "a#2", "a#3", "a#4"]


@pytest.mark.parametrize(
    "text",
    [
        # a headline closed by "!" (the first line of a .txt file)
        "Harbour Council SCRAPS Dredging Plan After Angry Meeting!\n"
        "Councillors voted on Monday night to drop the dredging plan that fishermen had fought for a year.\n\n"
        "The vote ended a long and bitter row in the town.",
        # a Title Case headline over a short lead-in that is shorter than the headline
        "Proof The Harbour Council Ignored Every Warning About The Dredging Plan Last Spring\n"
        "Here is the letter the fishermen sent to the council in March:\n\n"
        "We ask the council to stop the dredging until the survey of the seabed is finished, because the "
        "nets of twelve boats were torn on the new banks of silt last winter and no one has paid for them.",
    ],
)
def test_inferred_headline_ending_in_exclamation_or_over_a_short_lead_in(text):
    found = HeadlineDetector().find(text, None)
    assert found is not None and found.start == 0 and found.text == text.split("\n")[0]


def test_a_body_sentence_ending_in_exclamation_is_not_an_inferred_headline():
    text = (
        "The council said no again!\n"
        "Councillors voted on Monday night to drop the dredging plan that fishermen had fought for a year."
    )
    assert HeadlineDetector().find(text, None) is None


def test_headline_after_a_photo_credit_on_a_caption_line_is_a_repeat():
    """A caption, its credit, then the page's headline and dek on one artifact line: the headline counts
    once it follows the credit; inside an image alt text or a URL slug on such a line it does not."""
    detector = HeadlineDetector()
    title = "Harbour board delays vote on new ferry terminal plan"
    caption = "Board members listened to residents at the town hall on Monday. | Getty "
    text = f"{caption}{title} The decision now waits until spring.\n\nThe harbour board said on Tuesday it needs more time."
    line = Span(0, text.index("\n"))
    flags = detector.repeats(text, detector.find(text, title), skip=[line])
    assert [text[f.start : f.end] for f in flags] == [title]
    for leftover in (
        f"Image result for {title}",
        f"SOURCE: http://example.org/2016/05/{title.lower().replace(' ', '-')}/",
    ):
        other = f"{leftover}\n\nThe harbour board said on Tuesday it needs more time."
        assert detector.repeats(other, detector.find(other, title), skip=[Span(0, len(leftover))]) == []
