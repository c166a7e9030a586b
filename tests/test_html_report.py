"""HTML: escaped text (a scraped <script> shows as text), highlighted spans, self-contained report."""

import json
import re
from html import escape

from click.testing import CliRunner

from coherence import Results
from coherence.article import Article
from coherence.cli import main
from coherence.flags import Flag
from coherence.html_report import article_html, articles_by_id, corpus_report, highlight

HOSTILE_TITLE = 'Council <img src=x onerror="alert(1)"> approves budget'
HOSTILE_TEXT = (
    "The city council approved its annual budget on Tuesday after a long debate about road repairs and schools.\n\n"
    "<script>alert('scraped')</script>\n\n"
    "The mayor said the plan would fund forty new teachers & repair 120 km of roads by next spring.\n\n"
    "Opposition members said the budget relied on optimistic tax forecasts and voted against it.\n\n"
    "Share this:"
)


def _no_live_markup(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<img src=x" not in html and "onerror=" not in html.replace("onerror=&quot;", "")


def test_highlight_escapes_and_marks_exact_spans():
    text = "Intro <b>bold</b> & more. Share this:"
    start = text.index("Share this:")
    html = highlight(text, [Flag("artifact", start, len(text), 0.9, "share widget <label>", "share_widget")])
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more." in html
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert marked == ["Share this:"]
    assert 'title="artifact/share_widget: share widget &lt;label&gt;"' in html


def test_overlapping_flags_nest_without_losing_text():
    text = "abcdefghij"
    flags = [Flag("offtopic", 0, 6, 0.8, "x"), Flag("artifact", 4, 10, 0.9, "y")]
    html = highlight(text, flags)
    assert re.sub(r"<[^>]+>", "", html) == text
    assert html.count("<mark") == 3


def test_scraped_script_and_hostile_title_show_as_text(scorer):
    report = scorer.score({"id": "<evil id>", "title": HOSTILE_TITLE, "text": HOSTILE_TEXT, "source": "<b>site</b>"})
    html = article_html(report)
    _no_live_markup(html)
    assert "&lt;script&gt;alert(&#x27;scraped&#x27;)&lt;/script&gt;" in html
    assert "&lt;evil id&gt;" in html and "&lt;b&gt;site&lt;/b&gt;" in html
    notebook = report._repr_html_()
    _no_live_markup(notebook)
    assert "<mark" in notebook and "data:image/png;base64," in notebook  # flagged spans and the drift plot
    page = corpus_report([report], {report.id: {"title": HOSTILE_TITLE, "text": HOSTILE_TEXT}})
    _no_live_markup(page)
    assert "&lt;script&gt;" in page


def test_corpus_report_is_self_contained_and_complete(fixture_reports, fixture_articles):
    page = corpus_report(list(fixture_reports.values()), fixture_articles, threshold=0.5, worst=len(fixture_reports))
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no network references"
    assert page.count("data:image/png;base64,") == 2  # quality histogram and signals per source
    for section in ("Summary", "Score distribution", "Sources", "lowest-quality articles", "Duplicate clusters"):
        assert section in page
    assert "mostly-links" in page and "paragraphs 9-10 are off-topic" in page
    without_corpus = [{**r.to_dict(), "corpus": None} for r in fixture_reports.values()]
    assert "no <code>corpus</code> field" in corpus_report(without_corpus)


def test_to_html_takes_the_articles_as_a_list(tmp_path, fixture_reports, fixture_articles):
    results = Results(fixture_reports.values())
    text = fixture_articles["seed-like"]["text"]
    quoted = text[text.index("The trade minister") :][:60]
    from_list = results.to_html(tmp_path / "list.html", list(fixture_articles.values()), worst=len(results))
    page = from_list.read_text(encoding="utf-8")
    assert "Article text not given" not in page and "<mark" in page and quoted in page
    assert corpus_report(results, iter(fixture_articles.values()), worst=len(results)).count("<mark") == page.count(
        "<mark"
    )


def test_articles_by_id_numbers_like_score_many():
    keyed = articles_by_id([{"id": "a", "text": "x"}, "bare text", Article("a", "y"), {"text": "z", "id": ""}])
    assert list(keyed) == ["a", "record-2", "a#2", "record-4"]
    assert keyed["record-2"] == {"text": "bare text"} and keyed["a#2"].text == "y"
    assert articles_by_id({"k": 1}) == {"k": 1} and articles_by_id(None) == {}


def test_duplicate_clusters_from_corpus_fields(fixture_reports):
    records = [r.to_dict() for r in fixture_reports.values()]
    records[0]["corpus"] = {"duplicate_of": None, "near_duplicate_of": None, "headline_shared_with": 0, "cluster": "a1"}
    records[1]["corpus"] = {"duplicate_of": "a1", "near_duplicate_of": None, "headline_shared_with": 0, "cluster": "a1"}
    records[1]["id"] = "a1-copy"
    records[0]["id"] = "a1"
    page = corpus_report(records)
    table = page[page.index("Duplicate clusters") :]
    assert "a1-copy" in table and "<td>2</td><td>1</td>" in table


def test_results_render_a_summary_table(fixture_reports):
    html = Results(fixture_reports.values())._repr_html_()
    assert "11 articles" in html and "Lowest quality" in html and "seed-like" in html
    assert "2 not English prose" in html


def test_cli_report(tmp_path, fixture_reports, fixture_articles):
    scores, corpus = tmp_path / "scores.jsonl", tmp_path / "corpus.jsonl"
    scores.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in fixture_reports.values()), encoding="utf-8")
    corpus.write_text("".join(json.dumps(a) + "\n" for a in fixture_articles.values()), encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(scores), "--input", str(corpus), "-o", str(out), "--worst", "3"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "The 3 lowest-quality articles" in page and "<mark" in page


def test_summary_counts_articles_without_a_quality_apart(fixture_reports):
    records = [r.to_dict() for r in fixture_reports.values()]
    unscored = [r for r in records if r["quality"] is None and not r["error"]]
    scored = [r for r in records if r["quality"] is not None]
    assert unscored  # the German fixture: not English prose, so no quality
    page = corpus_report(records)
    cards = dict(re.findall(r"<div class='card'>([^<]+)<b>([^<]+)</b></div>", page))
    assert cards["scored"] == str(len(scored))
    assert cards["not scored (not English prose)"] == str(len(unscored))
    cleanable = [r for r in scored if r["quality"] < 0.5 <= r["clean_quality"]]
    assert cleanable and cards["of them cleanable (clean_quality ≥ 0.5)"] == str(len(cleanable))
    german = next(r for r in unscored)
    row = re.search(rf"<tr><td class=\"l\">{re.escape(german['source'] or '(none)')}</td>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[2] == str(len(unscored))  # the "not scored" column counts it
    below = sum(1 for r in scored if r["quality"] < 0.5)
    assert cells[4] == f"{below} ({100 * below / len(scored):.0f}%)"  # a share of the scored ones


def test_commands_in_reasons_render_as_code_and_stay_escaped(fixture_reports, fixture_articles):
    html = article_html(fixture_reports["seed-like"], fixture_articles["seed-like"]["text"], plot=False)
    assert "(removed by <code>coherence clean</code>)" in html and "`" not in html.split('<ul class="why">')[1]


def test_a_source_with_no_scored_article_has_no_share_below_the_threshold(fixture_reports):
    german = next(r.to_dict() for r in fixture_reports.values() if r.quality is None and not r.error)
    page = corpus_report([{**german, "source": "only-unscored.example"}])
    row = re.search(r'<tr><td class="l">only-unscored.example</td>(.*?)</tr>', page).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[2] == "1" and cells[3] == "–" and cells[4] == "–"  # not scored, mean quality, below 0.5


def test_unscored_articles_are_listed_with_why(fixture_reports):
    records = [r.to_dict() for r in fixture_reports.values()]
    unscored = [r for r in records if r["quality"] is None and not r["error"]]
    page = corpus_report(records)
    section = page.split(f"<h2>Not scored ({len(unscored)}): not English prose</h2>")[1].split("<h2>")[0]
    for r in unscored:
        assert f'<td class="l">{r["id"]}</td>' in section
        why = next(w for w in r["warnings"] if not w.startswith("quality not scored"))
        assert escape(why) in section


def test_by_source_says_shares_and_counts_the_unscored(fixture_reports):
    results = Results(fixture_reports.values())
    table = results.by_source()
    row = table.loc["fixture:handwritten"]
    unscored = sum(1 for r in results if r.quality is None and not r.error)
    assert row["not_scored"] == unscored == 2
    assert row["rejected_share"] == sum(1 for r in results if not r.keep and not r.error) / len(results)
    html = results._repr_html_()
    assert "rejected_share" in html and "<code>coherence clean</code>" in html and "`" not in html


def test_article_view_says_what_cleaning_would_leave(fixture_reports, fixture_articles):
    html = article_html(fixture_reports["seed-like"], fixture_articles["seed-like"]["text"], plot=False)
    clean = fixture_reports["seed-like"].clean_quality
    assert f"clean_quality {clean:.2f}: the text <code>coherence clean</code> leaves scores higher" in html


def test_badge_of_an_unscored_article_is_not_error(fixture_reports):
    html = article_html(fixture_reports["mostly-links"], plot=False)
    assert ">not scored</span>" in html and ">error</span>" not in html
    failed = article_html({"id": "x", "quality": None, "error": "record x: empty text"}, plot=False)
    assert ">error</span>" in failed
