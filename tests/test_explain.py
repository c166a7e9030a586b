"""``coherence explain`` reasons: each one points at something a reader can find in the text."""

from coherence.explain import explain, reasons
from coherence.flags import Flag
from coherence.report import Report

TEXT = (
    "The harbour authority opened a second ferry terminal on Monday after two years of building work.\n\n"
    "Ferries to the islands will now leave every forty minutes in summer, the authority said.\n\n"
    "Local traders welcomed the change, saying visitors had often missed the last boat home."
)


def _report(flags: list[Flag]) -> Report:
    return Report(
        id="ferry",
        quality=0.2,
        clean_quality=0.2,
        signals={"sentence_splice_logit": 3.6, "paragraph_splice_logit": 4.1, "offtopic_fraction": 0.0},
        contributions={"sentence_splice": -1.6, "paragraph_splice": -2.1},
        flags=flags,
    )


def test_splice_reasons_say_nothing_is_highlighted_when_no_unit_is_flagged():
    why = reasons(_report([]), TEXT)
    assert (
        "one sentence reads as if spliced in from another story (logit 3.6); under the off-topic flag threshold, so no sentence is highlighted"
        in why
    )
    assert any(w.endswith("so no paragraph is highlighted") and "paragraph reads as if spliced" in w for w in why)


def test_splice_reasons_stay_plain_next_to_an_offtopic_flag():
    start = TEXT.index("Ferries")
    flag = Flag("offtopic", start, TEXT.index("\n\nLocal"), 0.9, "paragraph similarity 0.05")
    out = explain(_report([flag]), TEXT)
    assert "spliced in from another story (logit 3.6)" in out and "flag threshold" not in out


def test_an_unscored_page_of_furniture_is_not_called_foreign():
    flag = Flag("non_text", 0, len(TEXT), 1.0, "mostly page furniture")
    out = explain(Report(id="menu", quality=None, flags=[flag], signals={}), TEXT)
    assert "quality not scored (reject): the text is not article prose (non_text flag" in out
    flag = Flag("non_english", 0, len(TEXT), 1.0, "mostly German stop words")
    out = explain(Report(id="de", quality=None, flags=[flag], signals={}), TEXT)
    assert "the article is not in English (non_english flag)" in out


def test_clean_quality_line_does_not_deny_what_cleaning_removes():
    report = Report(
        id="ferry",
        quality=0.000001,
        clean_quality=0.0001,
        signals={"duplicate_headline": 1.0, "content_words": 50.0},
        contributions={"duplicate_headline": -5.7, "too_short": -9.0},
        flags=[Flag("duplicate_headline", 0, 10, 0.99, "repeats the title")],
    )
    out = explain(report, TEXT)
    assert "nothing it removes lowers the score" not in out
    assert "clean_quality 0.00: damaged even after cleaning (what `coherence clean` removes is worth +5.7" in out


def test_explain_lines_fit_the_width():
    signals = {f"signal_number_{i}": 0.123456 for i in range(30)} | {"headline_similarity": 0.5}
    flag = Flag("offtopic", 0, 40, 0.9, "paragraph similarity to the rest of the article 0.06 " * 4)
    report = Report(id="wide", quality=0.4, clean_quality=0.4, signals=signals, flags=[flag])
    out = explain(report, TEXT, width=100)
    assert max(len(line) for line in out.splitlines()) <= 100
