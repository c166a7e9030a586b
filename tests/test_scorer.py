"""End-to-end behaviour of Scorer on the hand-written fixtures and on bad input."""

import math

import pandas as pd
import pytest

from coherence import Article, Report

CONTRACT_KEYS = {"id", "quality", "keep", "signals", "flags", "headline", "segments", "error"}
REQUIRED_SIGNALS = {"headline_similarity", "offtopic_fraction", "artifact_fraction", "duplicate_headline"}


def _span(text: str, substring: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(substring, start + 1)
    return start, start + len(substring)


def _spans(report: Report, kind: str) -> set[tuple[int, int]]:
    return {(f.start, f.end) for f in report.flags if f.kind == kind and f.field == "text"}


def test_every_report_follows_the_contract(fixture_reports, fixture_articles):
    assert list(fixture_reports) == list(fixture_articles)
    for report in fixture_reports.values():
        record = report.to_dict()
        assert set(record) >= CONTRACT_KEYS
        assert set(record["signals"]) >= REQUIRED_SIGNALS
        if record["signals"]["non_english"] or record["signals"]["non_text"]:
            assert record["quality"] is None and not record["keep"] and not record["contributions"]
        else:
            assert 0.0 <= record["quality"] <= 1.0
            assert record["keep"] == (record["quality"] >= 0.5)
        text = fixture_articles[report.id]["text"]
        for flag in record["flags"]:
            assert set(flag) == {"kind", "field", "start", "end", "score", "reason", "category"}
            assert 0 <= flag["start"] < flag["end"] <= len(text)
            assert flag["reason"]
        segments = record["segments"]
        assert segments and all(a["end"] <= b["start"] for a, b in zip(segments, segments[1:], strict=False))


def test_seed_like_fixture_metadata_headline_and_share_tail(fixture_reports, fixture_articles):
    text = fixture_articles["seed-like"]["text"]
    report = fixture_reports["seed-like"]
    artifacts = _spans(report, "artifact")
    for line in text.split("\n")[:2] + ["Like this:"]:
        assert _span(text, line) in artifacts, line
    headline_line = text.split("\n")[3]
    assert report.headline == {
        "text": headline_line,
        "field": "text",
        "start": text.index(headline_line),
        "end": text.index(headline_line) + len(headline_line),
    }
    assert _spans(report, "duplicate_headline") == {_span(text, headline_line, 1)}


def test_spliced_paragraph_is_the_only_offtopic_flag(fixture_reports, fixture_articles, expected):
    text = fixture_articles["spliced-paragraph"]["text"]
    wanted = {_span(text, s) for s in expected["spliced-paragraph"]["offtopic"]}
    assert _spans(fixture_reports["spliced-paragraph"], "offtopic") == wanted


@pytest.mark.parametrize("article_id", ["clean-economy", "clean-sport", "clean-notitle"])
def test_clean_articles_have_no_flags_and_high_quality(fixture_reports, article_id):
    report = fixture_reports[article_id]
    assert report.flags == []
    assert report.quality > 0.8 and report.keep


def test_headline_from_title_field(fixture_reports, fixture_articles):
    record = fixture_articles["clean-economy"]
    assert fixture_reports["clean-economy"].headline["field"] == "title"
    assert fixture_reports["clean-economy"].headline["text"] == record["title"].strip()


def test_bad_records_each_get_one_report_with_a_clear_error(scorer):
    big = ("The council met on Tuesday to discuss the budget for the coming year. " * 40 + "\n\n") * 200
    inputs = [
        {"id": "empty", "text": ""},
        {"id": "blank", "text": " \n\t "},
        {"id": "nowords", "text": "... --- !!! ???"},
        {"id": "nan", "text": math.nan},
        {"id": "number", "text": 3.5},
        {"id": "list", "text": ["x"]},
        {"id": "notext", "title": "only a title"},
        {"id": "dup", "text": "A short but real sentence about the weather today."},
        {"id": "dup", "text": "Another short sentence about the markets today."},
        {"id": "huge", "text": big[:5_000_000]},
        "a bare string is an article too",
        Article("ok", "Plain article text that is fine. It has two sentences."),
    ]
    reports = list(scorer.score_many(inputs))
    assert len(reports) == len(inputs)
    errors = {r.id: r.error for r in reports}
    assert "empty or whitespace" in errors["empty"] and "'empty'" in errors["empty"]
    assert "empty or whitespace" in errors["blank"]
    assert "no words" in errors["nowords"]
    assert "null/NaN" in errors["nan"]
    assert "got float" in errors["number"]
    assert "got list" in errors["list"]
    assert "missing text field" in errors["notext"]
    assert errors["dup"] is None and errors["dup#2"] is None
    assert any("duplicate id" in w for w in next(r for r in reports if r.id == "dup#2").warnings)
    huge = next(r for r in reports if r.id == "huge")
    assert huge.error is None and any("only the first" in w for w in huge.warnings)
    assert reports[-2].id == "record-11" and reports[-2].error is None
    for r in reports:
        if r.error:
            assert r.quality is None and not r.keep and r.to_dict()["error"] == r.error


def test_score_one_text_and_frame(scorer):
    report = scorer.score("Storm hits coast\n\nA storm hit the coast on Monday, cutting power to homes.")
    assert report.headline["text"] == "Storm hits coast"
    frame = pd.DataFrame({"id": ["x", "y"], "text": ["A fine article. It has words.", None]}, index=[10, 20])
    out = scorer.score_frame(frame)
    assert list(out.index) == [10, 20]
    assert out.loc[20, "error"] and pd.isna(out.loc[10, "error"])


def test_score_many_batches_across_articles(scorer, fixture_articles):
    calls = []
    original = scorer.embedder.embed

    def counting(texts):
        calls.append(len(texts))
        return original(texts)

    scorer.embedder.embed = counting
    try:
        list(scorer.score_many(fixture_articles.values()))
    finally:
        scorer.embedder.embed = original
    assert len(calls) == 1 and calls[0] > 100


def test_overlapped_stages_give_the_same_reports_in_order(embedder, fixture_articles):
    from coherence import Scorer

    records = [*fixture_articles.values(), {"id": "no-text"}, *fixture_articles.values()]
    overlapped = [r.to_dict() for r in Scorer(embedder=embedder, chunk_size=3).score_many(records)]
    serial = [r.to_dict() for r in Scorer(embedder=embedder, chunk_size=3, prefetch=False).score_many(records)]
    assert len(overlapped) == len(records)
    assert overlapped == serial


def test_worker_processes_give_the_same_reports_in_order(embedder, fixture_articles):
    from coherence import Scorer

    records = [*fixture_articles.values(), {"id": "no-text"}, *fixture_articles.values()]
    pooled = [r.to_dict() for r in Scorer(embedder=embedder, chunk_size=3, workers=2).score_many(records)]
    serial = [r.to_dict() for r in Scorer(embedder=embedder, chunk_size=3, prefetch=False).score_many(records)]
    assert len(pooled) == len(records)
    assert pooled == serial
    assert any((r.get("corpus") or {}).get("duplicate_of") for r in pooled)  # the corpus index saw them all


def test_stopping_early_stops_the_worker_processes(embedder, fixture_articles):
    import multiprocessing

    from coherence import Scorer

    reports = Scorer(embedder=embedder, chunk_size=2, workers=1).score_many(list(fixture_articles.values()) * 3)
    next(reports)
    assert multiprocessing.active_children()
    reports.close()
    assert multiprocessing.active_children() == []


def test_stopping_early_leaves_no_stage_running(embedder, fixture_articles):
    import threading

    from coherence import Scorer

    before = threading.active_count()
    reports = Scorer(embedder=embedder, chunk_size=2).score_many(list(fixture_articles.values()) * 3)
    next(reports)
    reports.close()
    assert threading.active_count() == before


def test_non_english_and_non_text_articles_get_no_quality_score(fixture_reports):
    """Issue 4: flagged as such instead of getting a misleading score; filters reject them with that reason."""
    from coherence.explain import explain
    from coherence.filtering import FilterRule
    from coherence.scoring import QualityModel, rescore

    for article_id in ("non-english", "mostly-links"):
        report = fixture_reports[article_id]
        assert report.quality is None and not report.keep
        assert any(w.startswith("quality not scored") for w in report.warnings)
        assert "not scored" in explain(report)
        assert FilterRule().reasons(report.to_dict()) == ["no quality score (not English prose; see its flags)"]
        assert rescore(report.to_dict(), QualityModel.load())["quality"] is None
    english = fixture_reports["clean-economy"].to_dict()
    assert rescore(english, QualityModel.load())["quality"] == english["quality"]


def test_resume_indexes_only_the_records_the_interrupted_run_indexed(scorer, fixture_articles):
    from coherence.scorer import WrittenMismatch

    article = next(iter(fixture_articles.values()))
    first, again = {**article, "id": "first"}, {**article, "id": "again"}
    full = list(scorer.score_many([first, again]))
    assert full[1].corpus["duplicate_of"] == "first"

    # the interrupted run wrote "first" without an error: it was indexed, so "again" is its duplicate
    resumed = list(scorer.score_many([first, again], skip=1, written=[{"id": "first", "error": None}]))
    assert [r.id for r in resumed] == ["again"] and resumed[0].corpus["duplicate_of"] == "first"
    # it wrote "first" as an error record: an uninterrupted run never indexed it, nor may the resumed one
    failed = [{"id": "first", "error": "record 'first': analysis failed"}]
    resumed = list(scorer.score_many([first, again], skip=1, written=failed))
    assert resumed[0].corpus["duplicate_of"] is None
    with pytest.raises(WrittenMismatch, match="'first'.*'other'"):
        list(scorer.score_many([first, again], skip=1, written=[{"id": "other", "error": None}]))
