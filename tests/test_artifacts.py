"""Scraping artifacts, boilerplate, document heuristics and language: spans on fixtures and small cases."""

from __future__ import annotations

import pytest

from coherence.detectors.artifacts import ArtifactDetector, guess_category, is_present_tense_caption, mojibake_spans
from coherence.detectors.boilerplate import BoilerplateDetector
from coherence.detectors.heuristics import DocumentHeuristics, c4_keeps_line
from coherence.detectors.language import LanguageDetector
from coherence.detectors.line_features import FEATURE_NAMES
from coherence.detectors.line_model import load_line_model

CLEAN = ["clean-economy", "clean-science", "clean-sport", "clean-notitle", "spliced-paragraph", "spliced-block-end"]


def span_of(text: str, substring: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(substring, start + 1)
    return start, start + len(substring)


def artifact_spans(text: str) -> dict[tuple[int, int], str]:
    return {(f.start, f.end): f.category for f in ArtifactDetector().detect(text) if f.kind == "artifact"}


@pytest.mark.parametrize("article_id", ["artifact-heavy", "seed-like", "mostly-links"])
def test_expected_artifacts_found_by_span_and_category(article_id, fixture_articles, expected):
    text = fixture_articles[article_id]["text"]
    found = artifact_spans(text)
    for item in expected[article_id]["artifact"]:
        substring = item["substring"]
        if "\n" in substring:  # a block of links: every line of it
            start, _ = span_of(text, substring, item.get("occurrence", 0))
            lines = [(start + substring.index(line), line) for line in substring.split("\n")]
            for offset, line in lines:
                assert found.get((offset, offset + len(line))) == item["category"], line
            continue
        span = span_of(text, substring, item.get("occurrence", 0))
        assert span in found, f"{substring!r} not flagged"
        assert found[span] == item["category"], substring


def test_artifact_heavy_has_no_flag_on_prose(fixture_articles, expected):
    text = fixture_articles["artifact-heavy"]["text"]
    for start, end in artifact_spans(text):
        for prose in expected["artifact-heavy"]["no_offtopic_substrings"]:
            p0, p1 = span_of(text, prose)
            assert end <= p0 or start >= p1, text[start:end]


@pytest.mark.parametrize("article_id", [*CLEAN, "repeated-paragraph", "non-english"])
def test_no_artifacts_on_clean_fixtures(article_id, fixture_articles):
    assert artifact_spans(fixture_articles[article_id]["text"]) == {}


def test_glued_share_widget_gets_only_the_tail():
    text = "Tenant groups welcomed the vote but said it did not go far enough. Share this:\nNext line of prose here."
    tail = span_of(text, "Share this:")
    assert artifact_spans(text) == {tail: "share_widget"}


def test_html_inside_prose_is_flagged_tag_by_tag():
    text = "The mayor said the <strong>new bridge</strong> would open in the spring after two years of work."
    found = artifact_spans(text)
    assert set(found) == {span_of(text, "<strong>"), span_of(text, "</strong>")}
    assert set(found.values()) == {"markup"}


def test_mojibake_spans_are_the_bad_characters_only():
    line = "Hale said itâ€™s time to act â€” now."
    assert [line[a:b] for a, b in mojibake_spans(line)] == ["â€™", "â€”"]
    assert mojibake_spans("Der Stadtrat beschließt „neue“ Radwege.") == []


def test_embedded_tweet_body_and_signature():
    text = (
        "Fans reacted online within minutes of the announcement.\n"
        "I cannot believe this is happening today, best news all year\n"
        "— Some Fan (@somefan) November 8, 2014\n"
        "The company did not comment on the reaction."
    )
    found = artifact_spans(text)
    assert found == {
        span_of(text, "I cannot believe this is happening today, best news all year"): "social_embed",
        span_of(text, "— Some Fan (@somefan) November 8, 2014"): "social_embed",
    }


def test_list_inside_prose_is_not_a_menu_but_a_list_at_the_top_is():
    inside = (
        "The boycott covers several well-known chains across the region, organisers said on Monday.\n"
        "Northside Grocers\nHarbour Books\nRiver Cafe\nPeak Outdoor\n"
        "Organisers said more names would be added after a meeting next week."
    )
    assert artifact_spans(inside) == {}
    top = "Home\nNews\nSport\nWeather\nCouncil approves new budget after long debate on Tuesday evening."
    assert list(artifact_spans(top).values()) == ["navigation"] * 4


@pytest.mark.parametrize(
    "line",
    [
        "By this, we assume the publication meant something else entirely.",
        "Sources close to the actor say he did not want to leave the show.",
        "BT is offering customers free calls if they sign up to broadband in December.",
        "That was the wrong tweet, actually. The first share on Twitter was much earlier.",
    ],
)
def test_prose_that_mentions_furniture_words_is_not_flagged(line):
    assert artifact_spans(line + "\n" + "Another sentence of ordinary article prose follows here.") == {}


def test_boilerplate_recurring_line_of_one_source():
    promo = "Headline: Buy our amazing gold coins before it is too late"
    corpus = [
        (f"Story number {i} about topic {i}.\n{promo}\nMore prose for story {i}, quite different.", "a.com")
        for i in range(5)
    ]
    corpus.append((f"An unrelated story on another site.\n{promo}", "b.com"))
    detector = BoilerplateDetector().fit(corpus)
    text = corpus[0][0]
    flags = detector.detect(text, "a.com")
    assert [(f.start, f.end) for f in flags] == [span_of(text, promo)]
    assert detector.detect(corpus[-1][0], "b.com") == []  # seen once on b.com
    assert [f.category for f in flags] == ["advertisement"]  # the category the rules suggest


def test_boilerplate_skips_lead_in_lines_and_needs_four_articles():
    corpus = [
        (
            f"Story {i} opens here.\nQuote:\nA quoted line number {i}.\nYours in Christ,\nSign up for our daily alerts",
            "a.com",
        )
        for i in range(4)
    ]
    text = corpus[0][0]
    flagged = {text[f.start : f.end] for f in BoilerplateDetector().fit(corpus).detect(text, "a.com")}
    assert flagged == {"Sign up for our daily alerts"}
    assert BoilerplateDetector().fit(corpus[:3]).detect(text, "a.com") == []


def test_boilerplate_counts_a_site_written_two_ways_as_one_source():
    footer = "Featured image via a stock photo agency"
    hosts = ["www.a.com", "a.com", "A.com", "www.a.com"]
    corpus = [(f"Story {i} about subject {i}.\n{footer}", host) for i, host in enumerate(hosts)]
    text = corpus[1][0]
    flags = BoilerplateDetector().fit(corpus).detect(text, "a.com")
    assert [(f.start, f.end) for f in flags] == [span_of(text, footer)]
    assert BoilerplateDetector().fit(corpus).detect(text, "b.com") == []


def test_boilerplate_ignores_reposts_of_one_story():
    story = "A long first line of the story that is reposted many times.\nSecond line of the same story."
    detector = BoilerplateDetector().fit([(story, "a.com")] * 4)
    assert detector.detect(story, "a.com") == []


def test_c4_line_rule():
    assert c4_keeps_line("The council approved the budget on Tuesday evening.")
    assert not c4_keeps_line("Read more")
    assert not c4_keeps_line("Please enable JavaScript to view the comments powered by Disqus.")
    assert not c4_keeps_line("By continuing you accept our privacy policy and terms of use.")


def test_heuristics_pass_clean_and_fail_repetitive(fixture_articles):
    signals = DocumentHeuristics().signals(fixture_articles["clean-economy"]["text"])
    assert signals["gopher_quality_pass"] == 1.0 and signals["gopher_repetition_pass"] == 1.0
    assert signals["c4_page_pass"] == 1.0 and signals["fineweb_pass"] == 1.0
    spam = "\n".join(["Buy cheap watches online today, best prices guaranteed."] * 20)
    signals = DocumentHeuristics().signals(spam)
    assert signals["gopher_repetition_pass"] == 0.0
    assert signals["gopher_duplicate_line_fraction"] == pytest.approx(19 / 20)
    assert signals["fineweb_pass"] == 0.0


def test_gopher_ngram_repetition_by_hand():
    # words: a b c a b c x y z w  (lengths 1 1 1 1 1 1 1 1 1 1, 10 characters)
    signals = DocumentHeuristics().gopher("a b c a b c x y z w")
    assert signals["top_3gram_char_fraction"] == pytest.approx(6 / 10)  # "a b c" twice
    assert signals["top_2gram_char_fraction"] == pytest.approx(4 / 10)  # "a b", seen before "b c"
    assert signals["duplicate_5gram_char_fraction"] == 0.0
    # a repeated 5-gram covers its words in both places; overlapping repeats count once
    text = "one two three four five six one two three four five seven"
    signals = DocumentHeuristics().gopher(text)
    words = text.split()
    covered = sum(len(w) for w in words[:5] + words[6:11])
    assert signals["duplicate_5gram_char_fraction"] == pytest.approx(covered / sum(len(w) for w in words))
    assert signals["duplicate_6gram_char_fraction"] == 0.0
    # ties between equally frequent n-grams go to the one seen first ("aaaa bb" before "bb c")
    signals = DocumentHeuristics().gopher("aaaa bb c aaaa bb c")
    assert signals["top_2gram_char_fraction"] == pytest.approx(12 / 14)


def test_language_flags(fixture_articles):
    detector = LanguageDetector()
    german = fixture_articles["non-english"]["text"]
    assert [f.kind for f in detector.detect(german)] == ["non_english"]
    assert "German" in detector.detect(german)[0].reason
    for article_id in CLEAN:
        assert detector.detect(fixture_articles[article_id]["text"]) == []
    assert [f.kind for f in detector.detect("$$$ 123 456 789 ### @@@ 000 111 %%% ^^^ 12 34")] == ["non_text"]
    assert [f.kind for f in detector.detect(fixture_articles["clean-sport"]["text"], furniture_fraction=0.9)] == [
        "non_text"
    ]


def test_scorer_flags_non_english_and_mostly_links(fixture_reports):
    assert [f.kind for f in fixture_reports["non-english"].flags] == ["non_english"]
    assert fixture_reports["non-english"].signals["non_english"] == 1.0
    assert "non_text" in [f.kind for f in fixture_reports["mostly-links"].flags]
    assert fixture_reports["clean-economy"].signals["non_english"] == 0.0


@pytest.mark.data
def test_real_seed_article(scorer, data_dir):
    path = data_dir.parent / "seeds" / "seed-article.txt"
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line.strip()]
    report = scorer.score(text)
    artifacts = {text[f.start : f.end] for f in report.flags if f.kind == "artifact"}
    assert lines[0] in artifacts and lines[1] in artifacts
    assert "Like this:" in artifacts
    duplicates = [f for f in report.flags if f.kind == "duplicate_headline"]
    assert len(duplicates) == 1
    assert text[duplicates[0].start : duplicates[0].end] == lines[2]
    assert duplicates[0].start > text.index(lines[2])  # the second copy, not the first
    assert report.signals["non_english"] == 0.0


PROSE = (
    "The council approved the new budget on Tuesday after a long debate about road repairs and school "
    "funding, with six members voting in favour and three against the plan."
)


def test_related_headline_list_at_the_end():
    headlines = [
        "Mayor opens new library in the old town hall",
        "Storm damage closes two bridges",
        "Local team wins cup",
    ]
    text = "\n\n".join([PROSE, PROSE, *headlines])
    found = artifact_spans(text)
    for line in headlines:
        start = text.index(line)
        assert found.get((start, start + len(line))) == "related_links", line
    fixtures = ["Chelsea v Birmingham", "Arsenal v Wolverhampton", "Everton v Sunderland"]
    assert artifact_spans("\n\n".join([PROSE, *fixtures])) == {}  # a list of matches, not headlines


def test_author_bio_and_contact_at_the_end_only():
    bio = "Jane Doe is a freelance writer based in Leeds."
    text = "\n\n".join([PROSE, PROSE, bio, "Twitter: @janedoe_writes"])
    assert set(artifact_spans(text).values()) == {"byline"}
    assert len(artifact_spans(text)) == 2
    assert artifact_spans("\n\n".join([bio, PROSE, PROSE, PROSE, PROSE])) == {}  # not at the end
    assert artifact_spans("\n\n".join([PROSE, "She was an author of love stories before she wrote this."])) == {}


def test_marker_glued_to_a_paragraph_gets_its_own_span():
    text = "Continued below... " + PROSE
    assert artifact_spans(text) == {(0, len("Continued below...")): "advertisement"}


# --- learned line model -------------------------------------------------------------------------

ARTICLE_LINES = [
    "The city council voted on Tuesday to approve a new budget for the coming year, after months of debate.",
    "Officials said the plan would raise spending on roads and parks while holding property taxes steady.",
    "Opponents argued that the measure relied on optimistic revenue forecasts and could force cuts later on.",
]
CATEGORIES = {
    "share_widget", "byline", "dateline", "navigation", "subscription", "advertisement", "legal", "caption",
    "related_links", "source_attribution", "social_embed", "markup", "encoding", "error_page", "other",
}  # fmt: skip


def test_line_model_is_plain_json_with_the_current_features():
    import json
    from pathlib import Path

    from coherence.detectors.line_model import DEFAULT_LINE_MODEL, LineModel

    stored = json.loads(Path(DEFAULT_LINE_MODEL).read_text(encoding="utf-8"))
    model = load_line_model()
    assert model.feature_names == FEATURE_NAMES
    assert 0.5 <= model.threshold < 1.0
    assert model.word_weights and model.info["trained_on"].endswith("records")
    assert "dev split only" in model.info["trained_on"]
    assert LineModel.from_dict(model.to_dict()) == model
    assert model.to_dict()["coef"] == stored["coef"]
    with pytest.raises(ValueError, match="retrain"):
        LineModel.from_dict({**stored, "feature_names": stored["feature_names"][:-1]})


def test_learned_hits_have_a_category_and_a_checkable_reason():
    text = "\n\n".join([*ARTICLE_LINES[:2], "Photo gallery", ARTICLE_LINES[2]])
    detector = ArtifactDetector(line_threshold=0.8)
    learned = [f for f in detector.detect(text) if f.reason.startswith("learned line model")]
    assert [(text[f.start : f.end], f.category) for f in learned] == [("Photo gallery", "caption")]
    assert "p=" in learned[0].reason and "furniture_word_share" in learned[0].reason
    assert learned[0].score >= 0.8


def test_learned_flags_only_on_lines_no_rule_touched():
    text = "\n\n".join([*ARTICLE_LINES, "Photo gallery", "Share on Facebook | Email"])
    flags = ArtifactDetector(line_threshold=0.8).detect(text)
    reasons = {text[f.start : f.end]: f.reason for f in flags}
    assert reasons["Share on Facebook | Email"] == "share-button text"
    assert reasons["Photo gallery"].startswith("learned line model")
    assert all(f.category in CATEGORIES for f in flags)
    assert len({(f.start, f.end) for f in flags}) == len(flags)


def test_rules_only_and_threshold_are_parameters():
    text = "\n\n".join([*ARTICLE_LINES[:2], "Photo gallery", ARTICLE_LINES[2]])
    assert ArtifactDetector(line_model=None).detect(text) == []
    assert ArtifactDetector(line_threshold=1.5).detect(text) == []
    lines, flags, features = ArtifactDetector().line_features(text)
    assert features.shape == (len(lines), len(FEATURE_NAMES))
    assert flags == []


def test_prose_is_not_flagged_by_the_line_model(fixture_articles):
    for article_id in CLEAN:
        text = fixture_articles[article_id]["text"]
        assert not [f for f in ArtifactDetector().detect(text) if f.reason.startswith("learned")], article_id


def test_unpunctuated_line_between_paragraphs_is_a_caption_or_related_headline():
    caption = "Volunteers carry sandbags along the flooded river bank in the east of the town on Sunday"
    related = "Why The Town Council Keeps Losing Its Fight Over The New Bypass Road"
    subheading = "What happens next"
    no_stop = "Residents told reporters that the water rose faster than anyone had expected this year"
    quoted = 'The mayor told reporters: "We will rebuild every home that was damaged by the water"'
    text = "\n\n".join(
        [ARTICLE_LINES[0], caption, ARTICLE_LINES[1], related, ARTICLE_LINES[2], subheading, ARTICLE_LINES[0]]
        + [quoted, ARTICLE_LINES[1], no_stop.lower(), ARTICLE_LINES[2]]
    )
    found = {text[f.start : f.end]: f.category for f in ArtifactDetector(line_model=None).detect(text)}
    assert found == {caption: "caption", related: "related_links"}


def test_line_under_a_label_and_share_buttons_after_a_share_label():
    text = "\n".join(
        [ARTICLE_LINES[0], "RELATED:", "Council Agrees Budget For Next Year", ARTICLE_LINES[1]]
        + [ARTICLE_LINES[2], "Share this: Twitter", "Facebook", "Google"]
    )
    found = {text[f.start : f.end]: f.category for f in ArtifactDetector(line_model=None).detect(text)}
    assert found == {
        "RELATED:": "related_links",
        "Council Agrees Budget For Next Year": "related_links",
        "Share this: Twitter": "share_widget",
        "Facebook": "share_widget",
        "Google": "share_widget",
    }


def test_reference_links_under_a_header_are_content_but_a_bare_source_link_is_not():
    refs = "For more information see:\nhttp://example.org/report/2016/budget\nhttp://example.net/news/12345"
    text = "\n\n".join([*ARTICLE_LINES, refs])
    assert ArtifactDetector(line_model=None).detect(text) == []
    text = "\n\n".join([*ARTICLE_LINES, "http://example.org/report/2016/budget"])
    assert [f.category for f in ArtifactDetector(line_model=None).detect(text)] == ["source_attribution"]


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Advertisement - story continues below", "advertisement"),
        ("Continue reading below the advertisement", "advertisement"),
        ("Scroll down for video", "other"),
        ("close dialog", "other"),
        ("(L) Officers stand at the gate. (R) A crowd waits outside the court.", "caption"),
        ("This piece was originally produced for and posted by Example News.", "source_attribution"),
        ("(h/t Example Daily)", "source_attribution"),
        ("ON A MOBILE DEVICE? CLICK HERE TO WATCH THE VIDEO.", "related_links"),
        ("READ NEXT", "related_links"),
        ("Continue reading the main story", "advertisement"),
        ("brightcove.createExperiences();", "markup"),
        ("Contributing: Example Wire Service", "byline"),
        ("View on Instagram", "social_embed"),
    ],
)
def test_furniture_lines_in_the_middle_of_an_article(line, category):
    text = "\n\n".join([ARTICLE_LINES[0], line, *ARTICLE_LINES[1:]])
    flags = ArtifactDetector(line_model=None).detect(text)
    assert [(text[f.start : f.end], f.category) for f in flags] == [(line, category)]


def test_caption_above_a_row_of_share_buttons_and_tweet_counters():
    caption = "Officials inspect the new bridge before its opening on Monday"
    counters = "1,204 1,204 Retweets 3,001 3,001 likes"
    text = "\n".join([ARTICLE_LINES[0], caption, "Facebook Twitter Pinterest", ARTICLE_LINES[1], counters])
    found = {text[f.start : f.end]: f.category for f in ArtifactDetector(line_model=None).detect(text)}
    assert found == {caption: "caption", "Facebook Twitter Pinterest": "share_widget", counters: "social_embed"}


def test_source_link_glued_to_the_first_line_gets_its_own_span():
    link = "http://example.com/2017/09/21/council-approves-new-budget/"
    text = "\n".join([link + ARTICLE_LINES[0], ARTICLE_LINES[1]])
    flags = ArtifactDetector(line_model=None).detect(text)
    assert [(f.start, f.end, f.category) for f in flags] == [(0, len(link), "source_attribution")]


def test_body_that_is_another_storys_headline_is_a_non_article_page_only_with_a_title():
    body = "How Ten Small Towns Rebuilt Their Main Streets After The Floods"
    detector = ArtifactDetector()
    assert detector.detect(body) == []  # no title: a one-line body may be a short article
    flags = detector.detect(body, "Council Approves New Budget For Schools")
    assert [(f.start, f.end, f.category) for f in flags] == [(0, len(body), "other")]
    assert detector.detect(body, "Small Towns Rebuild After Floods") == []  # the title's story
    sentence = "The council approved the budget on Monday after a long debate."
    assert detector.detect(sentence, "Storm Closes Harbour") == []  # a one-sentence article


def test_index_title_and_error_heading_make_every_line_of_the_page_an_artifact():
    text = "First teaser of a post about gardens.\n\nSecond teaser about the harvest festival."
    assert ArtifactDetector().detect(text, "Garden Notes") == []
    flags = ArtifactDetector().detect(text, "Garden Notes Archives")
    assert [f.category for f in flags] == ["other", "other"]
    error = "ERROR\n\nSomething went wrong\n\nPlease try again later"
    assert {f.category for f in ArtifactDetector().detect(error)} == {"error_page"}
    long_text = "Error\n\n" + " ".join(["The report describes the error in the accounts."] * 10)
    assert not [f for f in ArtifactDetector().detect(long_text) if f.category == "error_page"]


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Senator Visits Flooded Town Hall After The Storm", "related_links"),
        ("The mayor stands beside the new bridge during the opening ceremony", "caption"),
        ("Source: https://example.com/story", "source_attribution"),
        ("Share this on Facebook", "share_widget"),
        ("It rained.", "other"),
    ],
)
def test_guess_category_by_pattern_words_or_shape(line, category):
    assert guess_category(line) == category


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Read the full article here.", "related_links"),
        ("Original story by Jane Roe at Example News: the council vote", "source_attribution"),
        ("- See more at: http://example.com/story.html#sthash.abc", "source_attribution"),
        ("[WEBSITE]: http://example-world.com", "source_attribution"),
        ("ExampleNews.com", "source_attribution"),
        ("{% set pageCenter = '1100px' %} /* This sets the width of the website */", "markup"),
        ("Note: We cannot make any warranties about the completeness of this information.", "legal"),
        ("If you would like to write an op-ed for the Example Times, read our submission guidelines.", "advertisement"),
        ("Vigilant: A police officer patrols the hallway near the entrance to the library on Thursday", "caption"),
        ("Credit: ESA/Hubble & NASA", "caption"),
    ],
)
def test_more_furniture_forms(line, category):
    text = f"The council met on Monday to discuss the budget.\n\n{line}\n\nThe vote is expected next week."
    assert artifact_spans(text).get(span_of(text, line)) == category


@pytest.mark.parametrize(
    "line",
    [
        "She said: 'We will not give up on this town, whatever happens'",
        "ONS Study: https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing",
        "Bottom line: the plan might fail before the election... or shortly after",
        "Analysis: Jane Roe, Example News correspondent",
        "Mayor: 'We will rebuild the harbour'",
    ],
)
def test_similar_content_lines_are_not_flagged(line):
    text = f"The council met on Monday to discuss the budget.\n\n{line}\n\nThe vote is expected next week."
    assert span_of(text, line) not in artifact_spans(text)


def test_tweet_with_signature_in_a_long_line_and_contact_block_of_several_authors():
    tweet = (
        "VIDEO: this is what we saw overnight on the interstate, with rocks thrown at the passing cars and trucks "
        "by the crowd pic.twitter.com/AbCdEf123 — Jane Roe (@janeroe) September 21, 2016"
    )
    text = f"The protest began on Tuesday evening.\n\n{tweet}\n\nPolice closed the road before midnight."
    assert artifact_spans(text).get(span_of(text, tweet)) == "social_embed"
    contacts = ["Email: jane.roe@example.com", "Twitter: @janeroe", "Email: john.doe@example.com", "Twitter: @johndoe"]
    text = "The studio declined to comment on the casting.\n\n" + "\n\n".join(contacts)
    found = artifact_spans(text)
    assert [found.get(span_of(text, c)) for c in contacts] == ["byline"] * 4


def test_quoted_email_header_is_content():
    header = ["From: Jane Roe <jane@example.com>", "Date: Mon, Sep 29, 2008 at 11:01 PM", "Subject: FW: Lists"]
    text = "The leaked e-mail reads as follows.\n\n" + "\n\n".join(header) + "\n\nThe lists were attached to it."
    assert artifact_spans(text) == {}


def test_name_and_claim_headline_between_paragraphs_is_a_related_link():
    headline = "Mayor: plan to close the harbour is ‘ridiculous’"
    text = "\n\n".join([ARTICLE_LINES[0], headline, ARTICLE_LINES[1]])
    assert artifact_spans(text).get(span_of(text, headline)) == "related_links"


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("by: Jane Roe", "byline"),
        ("Source", "source_attribution"),
        ("Via Example Morning Show", "source_attribution"),
        ("The old harbour map Picture: City Archive / jroe_", "caption"),
        ("New parking rules take effect in May. Find out what changes on your street. VIEW GRAPHIC", "related_links"),
        ("Analysis Why the harbour plan keeps coming back to the council", "related_links"),
        ("Video loading            Watch next        Watch this video again  Watch Next", "other"),
        ("Source: https://example.com/" + "a-very-long-path-segment-" * 8 + "story.html", "source_attribution"),
        (
            "JUST WATCHED Mayor on the harbour vote Replay More Videos ... MUST WATCH Mayor on the harbour vote 01:45",
            "related_links",
        ),
        (
            "RelatedCouncil approves the harbour budget after a long debateSchools get new funding for "
            "science labsMayor opens the new bridge to traffic on SundayPark to close for repairs",
            "related_links",
        ),
    ],
)
def test_furniture_forms_from_the_sixth_label_batch(line, category):
    text = f"The council met on Monday to discuss the budget.\n\n{line}\n\nThe vote is expected next week."
    assert artifact_spans(text).get(span_of(text, line)) == category


@pytest.mark.parametrize(
    "line",
    [
        "Via Example Daily:",
        "Analysis of the figures shows the harbour plan would cost more than expected",
        "Relatedly, the schools plan was also delayed until the autumn term of next year",
        "The photo: a crowd outside the town hall",
        "This widely shared audio clip appears to be from the harbour meeting: http://t.co/abcdef - it was first "
        "posted on Twitter here: https://twitter.com/example/status/123456789",
    ],
)
def test_content_lines_like_the_sixth_batch_forms_are_not_flagged(line):
    text = f"The council met on Monday to discuss the budget.\n\n{line}\n\nThe vote is expected next week."
    assert span_of(text, line) not in artifact_spans(text)


def test_read_more_link_glued_after_the_last_sentence_gets_its_own_span():
    text = "The council met on Monday.\n\nThe vote passed after a long debate about the harbour budget.—More…"
    flags = [f for f in ArtifactDetector(line_model=None).detect(text) if f.kind == "artifact"]
    assert [(text[f.start : f.end], f.category) for f in flags] == [("—More…", "related_links")]


def test_short_page_with_error_text_and_topic_index_title_are_not_articles():
    page = "Ooops... Error 404\n\nSorry, that cannot be shown.\n\nYou can go to the HOMEPAGE"
    assert [f.category for f in ArtifactDetector().detect(page)] == ["error_page"] * 3
    report = "Error 404 pages annoyed readers. " + " ".join(["The council says its website is fixed now."] * 8)
    assert ArtifactDetector().detect(report) == []  # a long text about errors is an article
    text = "Recommended Resources\n\nA free cartoon series about health and the environment."
    flags = ArtifactDetector().detect(text, "Garden tools news, articles and information:")
    assert [f.category for f in flags] == ["other", "other"]


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("(Writing by Ann Bell; Editing by Tom Reed)", "byline"),
        ("Contact Jane Doe at 555-010-2030. Follow her on Twitter @janedoe_writes.", "byline"),
        ("To contact the author of this post, please email jane@example.com.", "byline"),
        ("Jane Doe is Example Daily’s senior politics writer.", "byline"),
        ("Jane Doe is an ExampleNews.com reporter.", "byline"),
        ("Share this with your friends and family by clicking the button below.", "share_widget"),
        ("This is a developing story. Check back for updates and follow Example News on Twitter.", "share_widget"),
        ("If you haven’t liked our Facebook page yet, please go here and do so.", "share_widget"),
        ("© 2015 Example Media All rights reserved. Do not reproduce (even with permission).", "legal"),
        ("This entry was posted in Politics and tagged budget, council.", "navigation"),
        ("Get Example TV on your cable system – Click Here Now", "advertisement"),
    ],
)
def test_closing_furniture_of_the_author_and_calls_to_the_reader(line, category):
    text = "\n\n".join([PROSE, PROSE, line])
    assert artifact_spans(text).get(span_of(text, line)) == category


@pytest.mark.parametrize(
    "line",
    [
        "Research by Harvard found that the plan would cost more than expected.",
        "The mayor said he would follow the advice of his friends on the matter.",
        "Police tried to contact the author of the letter but had no reply.",
        "Critics were quick to share their anger on Twitter after the vote, the paper said.",
    ],
)
def test_last_lines_that_mention_contacts_or_social_media_are_prose(line):
    text = "\n\n".join([PROSE, PROSE, line])
    assert span_of(text, line) not in artifact_spans(text)


def test_calls_to_the_reader_count_only_at_the_end():
    line = "Share this with your friends and family by clicking the button below."
    text = "\n\n".join([PROSE, line, PROSE, PROSE, PROSE, PROSE])
    assert span_of(text, line) not in artifact_spans(text)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Jane Doe/Example Images", "caption"),
        ("JOHN SMITH / REUTERS", "caption"),
        ("harbour bridge night lights", "caption"),
        ("Advertisement-content continues below", "advertisement"),
        ("VIEW ALL PHOTOS IN GALLERY", "related_links"),
        ("See an error in this article? Send us a correction", "other"),
        ("$alttext", "other"),
    ],
)
def test_photo_credits_alt_text_and_page_leftovers_in_the_middle(line, category):
    text = "\n\n".join([PROSE, line, PROSE])
    assert artifact_spans(text).get(span_of(text, line)) == category


@pytest.mark.parametrize(
    "line",
    [
        "SHANGHAI REJECTS NY /LONDON PRICING OF GOLD",  # a headline with a slash, not a credit
        "and the council said the plan would go ahead",  # a hard-wrapped line: see the text below
    ],
)
def test_slash_headlines_and_hard_wrapped_lower_case_lines_are_content(line):
    text = "\n".join(["The mayor spoke on Monday about the harbour budget, the roads", line, PROSE])
    assert span_of(text, line) not in artifact_spans(text)


def test_closing_credits_from_and_reporting_for_only_at_the_end():
    for line, category in [("From Example Daily", "source_attribution"), ("Reporting for The Example", "byline")]:
        text = "\n\n".join([PROSE, PROSE, line])
        assert artifact_spans(text).get(span_of(text, line)) == category
        text = "\n\n".join([line, PROSE, PROSE, PROSE, PROSE])
        assert span_of(text, line) not in artifact_spans(text)


SHORT_PARAGRAPH = "The family said they were shocked by the news on Monday."


def test_caption_between_short_one_sentence_paragraphs():
    caption = "Lovesick Sam Lee, 26, went to the harbour cafe in search of some comfort after the break-up"
    text = "\n\n".join([SHORT_PARAGRAPH, caption, SHORT_PARAGRAPH])
    assert artifact_spans(text).get(span_of(text, caption)) == "caption"
    for prose in [
        "And instead of waiting for the bus, the man simply walks off along the harbour road",
        "One of his close friends who knew him well told the local paper about the plan",
        "Harbour Council Publishes Its New Budget For The Coming Year",  # a subheading between short paragraphs
    ]:
        text = "\n\n".join([SHORT_PARAGRAPH, prose, SHORT_PARAGRAPH])
        assert span_of(text, prose) not in artifact_spans(text), prose


def test_source_outlet_blurb_and_blog_name_at_the_end_only():
    for line in [
        "ExampleNews.com is an independent news agency devoted to reporting on harbour towns. Our team writes daily.",
        "Jane’s Harbour Walks Blog",
    ]:
        text = "\n\n".join([PROSE, PROSE, line])
        assert artifact_spans(text).get(span_of(text, line)) == "source_attribution", line
        text = "\n\n".join([PROSE, line, PROSE, PROSE, PROSE, PROSE])
        assert span_of(text, line) not in artifact_spans(text), line
    line = "The harbour is a popular place for walks"  # not an outlet
    text = "\n\n".join([PROSE, PROSE, line])
    assert span_of(text, line) not in artifact_spans(text)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Home » News » Mayor opens the new harbour bridge", "navigation"),
        ("ANALYSIS | Has the harbour plan really changed the town?", "related_links"),
        ("• Mayor opens new bridge • Video: Storm hits the harbour", "related_links"),
    ],
)
def test_breadcrumbs_and_labelled_story_links(line, category):
    text = "\n\n".join([PROSE, line, PROSE])
    assert artifact_spans(text).get(span_of(text, line)) == category


def test_a_pipe_inside_a_sentence_is_not_a_story_link():
    line = "Sales rose | fell in the harbour towns, the council said in its report on Monday."
    text = "\n\n".join([PROSE, line, PROSE])
    assert span_of(text, line) not in artifact_spans(text)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("March 26th, 2017", "dateline"),
        ("harbour-bridge-opening-600", "other"),
        ("Uploaded By: HarbourFan", "byline"),
    ],
)
def test_ordinal_dates_file_names_and_uploader_lines(line, category):
    text = "\n\n".join([PROSE, line, PROSE])
    assert artifact_spans(text).get(span_of(text, line)) == category


def test_author_tagline_under_the_headline():
    line = "Jane Doe writes for the Example Daily and the Example Weekly"
    text = "\n\n".join(["Harbour bridge opens", line, PROSE, PROSE, PROSE, PROSE])
    assert artifact_spans(text).get(span_of(text, line)) == "byline"
    prose = "Jane Doe writes for the council about the harbour and its many problems every week."
    text = "\n\n".join(["Harbour bridge opens", prose, PROSE, PROSE, PROSE, PROSE])
    assert span_of(text, prose) not in artifact_spans(text)  # a sentence, not a tagline


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("[Image via screen capture of a council video.]", "caption"),
        ("—Copyright the Example Press", "legal"),
        ("Related roundups: harbour bridge, town budget", "related_links"),
        ("» examplenews.cn", "source_attribution"),
        ("Art by Jane Doe with help from Example Images", "caption"),
    ],
)
def test_more_credit_and_link_lines(line, category):
    text = "\n\n".join([PROSE, line, PROSE])
    assert artifact_spans(text).get(span_of(text, line)) == category


def rule_spans(text: str) -> dict[tuple[int, int], str]:
    return {
        (f.start, f.end): f.category for f in ArtifactDetector(line_model=None).detect(text) if f.kind == "artifact"
    }


@pytest.mark.parametrize("name", ["Marta Quillon", "Marta J. Quillon", "Marta Quillon, The Harbour Courier"])
def test_bare_author_name_at_the_end(name):
    text = "\n\n".join([PROSE, PROSE, name])
    assert rule_spans(text).get(span_of(text, name)) == "byline"


@pytest.mark.parametrize("name", ["Marta J. Quillon", "Marta Quillon, The Harbour Courier", "Marta Quillon | Courier"])
def test_author_name_with_outlet_or_initial_under_the_headline(name):
    text = "\n\n".join(["Harbour bridge opens", name, PROSE, PROSE])
    assert rule_spans(text).get(span_of(text, name)) == "byline"


@pytest.mark.parametrize(
    "text",
    [
        "\n\n".join([PROSE, "Harbour Nightmare", PROSE]),  # a two-word subheading between paragraphs
        "\n\n".join(["Harbour Nightmare", "Tidal Blues", PROSE, PROSE]),  # headline and dek
        "\n\n".join(["Harbour bridge opens", PROSE, "Harbour Nightmare", PROSE]),
        "\n\n".join([PROSE, "Mind the harbour gates", "God bless the harbour"]),  # lower-case words
        "\n\n".join([PROSE, "The Harbour Courier"]),  # a stop word: not a person's name
        "\n\n".join(["Harbour bridge opens", "Marta Quillon", PROSE, PROSE]),  # bare two words at the top
    ],
)
def test_capitalised_lines_that_are_not_bare_names(text):
    assert "byline" not in rule_spans(text).values()


def test_run_of_headlines_under_a_related_label():
    heads = [
        "Harbour Council Votes To Close The Old Ferry Pier",
        "Tide gauge shows record high water in the bay",
        "Fishermen ask the port for a new winter schedule",
    ]
    text = "\n\n".join([PROSE, "RELATED", *heads, PROSE])
    found = rule_spans(text)
    assert [found.get(span_of(text, h)) for h in heads] == ["related_links"] * 3
    assert span_of(text, PROSE, 1) not in found


def test_run_of_title_case_headlines_between_paragraphs():
    heads = ["Harbour Council Closes Ferry Pier", "Record Tide Floods Market Streets"]
    text = "\n\n".join([PROSE, PROSE, PROSE, PROSE, PROSE, *heads, PROSE])
    found = rule_spans(text)
    assert [found.get(span_of(text, h)) for h in heads] == ["related_links"] * 2
    one = "\n\n".join([PROSE, PROSE, PROSE, PROSE, PROSE, heads[0], PROSE])  # one line: a subheading
    assert not rule_spans(one)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("On a mobile device? Click here to watch video.", "related_links"),
        ("Watch the mayor's full harbour speech here,", "related_links"),
        ("Harbour-Bridge-Opening-Crowd-Large", "caption"),
        ("Reporting for The Harbour Courier", "byline"),
    ],
)
def test_link_prompts_file_names_and_taglines(line, category):
    text = "\n\n".join([PROSE, PROSE, line])
    assert rule_spans(text).get(span_of(text, line)) == category


def test_reader_question_only_at_the_end():
    line = "What do you think of the new harbour bridge?"
    text = "\n\n".join([PROSE, PROSE, line])
    assert rule_spans(text).get(span_of(text, line)) == "share_widget"
    text = "\n\n".join([PROSE, line, PROSE, PROSE, PROSE, PROSE])  # a rhetorical question inside the article
    assert span_of(text, line) not in rule_spans(text)


@pytest.mark.parametrize(
    "line",
    [
        "Watching the harbour at night is a pleasure for many residents of the old town here.",
        "A well-known harbour-side cafe reopened on Monday after the storm.",
        "Reporting for the council, the harbour master said the gates would close.",
        "Watch the mayor's full harbour speech here:",  # a lead-in to an embedded video
    ],
)
def test_content_lines_near_the_new_families(line):
    text = "\n\n".join([PROSE, PROSE, line])
    assert span_of(text, line) not in artifact_spans(text)


def test_table_rows_are_not_a_run_of_headlines():
    rows = ["Harbour Ward North (R) 1,204 51%", "Harbour Ward South (D) 1,130 48%"]
    text = "\n\n".join([PROSE, PROSE, PROSE, PROSE, PROSE, *rows, PROSE])
    assert not rule_spans(text)


def test_credit_block_under_a_closing_sources_header():
    credits = ["Harbour Research Institute, Porttown, Md.", "Coastal Survey Office, Bayville, Calif."]
    text = "\n\n".join([PROSE, PROSE, "Contacts and sources:", *credits])
    found = rule_spans(text)
    assert [found.get(span_of(text, c)) for c in credits] == ["source_attribution"] * 2
    text = "\n\n".join([PROSE, "Sources:", PROSE, credits[0]])  # a paragraph under the header: not a credit block
    assert span_of(text, credits[0]) not in rule_spans(text)


# Session 8: genre conventions (present-tense captions, captions beside their credit). Invented lines.
@pytest.mark.parametrize(
    "line",
    [
        "Mayor Elena Brook speaks during the opening of the harbour bridge on Monday",
        "Fishermen gather outside the town hall in Porttown",
        "A lifeboat crew member looks on as the ferry docks at Bayville",
        "The harbour master is seen inspecting the flood gates after the storm",
        "Councillor Amir Shah and his wife arrive at the civic dinner",
    ],
)
def test_present_tense_caption_shape(line):
    assert is_present_tense_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "Harbour talks in Porttown",  # a noun, not a verb of a scene
        "Student protest at the harbour",  # a plural verb needs a plural subject
        "Women's march in Bayville",
        "The ferry company prepares new timetables",  # no place or time
        "The mayor will speak at the harbour on Monday",  # a modal: prose or a headline
        "Residents say they gather at the harbour every Sunday",  # a verb of saying
        "They gather at the harbour every Sunday",  # a pronoun subject
        "He said: “Fishermen gather outside at dawn”",  # a quotation
    ],
)
def test_present_tense_lines_that_are_not_captions(line):
    assert not is_present_tense_caption(line)


def test_present_tense_caption_flagged_below_the_first_line_without_full_stop():
    line = "Fishermen gather outside the town hall"  # too short for the caption-between-paragraphs rule
    text = "\n\n".join([PROSE, PROSE, line, PROSE])
    assert rule_spans(text).get(span_of(text, line)) == "caption"
    for layout in ([line, PROSE, PROSE], [PROSE, PROSE, line + ".", PROSE]):  # the headline; a lead with a full stop
        text = "\n\n".join(layout)
        assert not rule_spans(text), layout


def test_caption_beside_its_photo_credit():
    caption = "The new lifeboat on its first run past the lighthouse"
    for layout in ([PROSE, caption, "Photo credit: Harbour Courier", PROSE], [PROSE, "Getty Images", caption, PROSE]):
        text = "\n\n".join(layout)
        assert rule_spans(text).get(span_of(text, caption)) == "caption", layout
    # a paragraph that ends a sentence, a question or a quotation next to a credit stays content
    for line in [
        "The new lifeboat made its first run past the lighthouse on Tuesday.",
        "Who will pay for the new lifeboat?",
        "The crew called it “the best boat we have had”",
    ]:
        text = "\n\n".join([PROSE, line, "Photo credit: Harbour Courier", PROSE])
        assert span_of(text, line) not in rule_spans(text), line
    text = "\n\n".join([PROSE, PROSE, caption])  # no credit: not this rule's business
    assert span_of(text, caption) not in rule_spans(text)


def test_caption_beside_a_credit_is_one_sentence():
    line = "The lifeboat looks fine. Read more about it on the harbour blog [Harbour Blog]"
    text = "\n\n".join([PROSE, line, "Photo credit: Harbour Courier", PROSE])
    assert span_of(text, line) not in rule_spans(text)


def test_position_marker_inside_a_prose_paragraph_is_not_a_caption():
    paragraph = (
        "We cannot tell whether the claims made by the harbour master, Ellen Varga, (right) are true, since "
        "nobody else saw the boats that night. The fact that the council has said nothing about her claims "
        "makes one wonder whether the story will hold up once the divers report [\u2026]"
    )
    text = f"{paragraph}\n\nThe divers are due back on Friday with their survey of the harbour floor."
    assert not [f for f in ArtifactDetector().detect(text) if f.category == "caption"]
    caption = "Ellen Varga (right) with the divers on the quay at dawn on Tuesday"
    text = f"{paragraph}\n\n{caption}\n\nThe divers are due back on Friday with their survey of the harbour floor."
    start = text.index(caption)
    assert [(f.start, f.category) for f in ArtifactDetector().detect(text) if f.category == "caption"] == [
        (start, "caption")
    ]


def test_teaser_cut_off_with_bracketed_ellipsis_on_a_category_page_is_not_an_article():
    teaser = (
        "Fishermen in the northern bay say the new dredging banks have torn their nets three times this "
        "winter, and the council still has not answered their letters about who will pay for [\u2026]"
    )
    flags = ArtifactDetector().detect(teaser, "Coastal Affairs Archive Page Two")
    assert [(f.start, f.end, f.category) for f in flags] == [(0, len(teaser), "related_links")]


def test_product_widget_glued_inside_a_paragraph_is_flagged_alone():
    widget = (
        "\u00d7 The Harbour Cookbook by Ann Lee The Harbour Cookbook is full of recipes for the fish you catch "
        "yourself, from the simplest grill to a slow stew. Buy Now"
    )
    text = (
        "The council met on Monday to discuss the dredging plan. One fisherman said: "
        f"{widget} The vote was delayed until next month, when the survey of the seabed is due."
    )
    flags = [f for f in ArtifactDetector().detect(text) if f.category == "advertisement"]
    assert [(f.start, f.end) for f in flags] == [span_of(text, widget)]


@pytest.mark.parametrize("line", ["Buy Now", "$24.99 Add to cart", "Shop now \u203a"])
def test_shop_button_line_is_an_advertisement(line):
    text = (
        "The council met on Monday to discuss the dredging plan for the northern harbour.\n\n"
        f"{line}\n\nThe vote was delayed until next month, when the survey of the seabed is due."
    )
    flags = ArtifactDetector().detect(text)
    assert [(f.start, f.category) for f in flags] == [(text.index(line), "advertisement")]
