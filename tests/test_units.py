import blingfire
import pytest

from coherence.units import Span, content_units, sentence_offsets, split_lines, split_paragraphs, split_sentences


def test_blank_line_paragraphs_keep_exact_offsets():
    text = "  First para line one.\nline two.\n\n\nSecond para. Two sentences here!\n \nThird."
    paras = split_paragraphs(text)
    assert [p.text(text) for p in paras] == [
        "First para line one.\nline two.",
        "Second para. Two sentences here!",
        "Third.",
    ]


def test_single_newline_text_uses_lines_as_paragraphs():
    text = "Headline here\nBody sentence one. Body two.\nAnother paragraph."
    assert [p.text(text) for p in split_paragraphs(text)] == text.split("\n")


def test_sentences_come_from_a_real_splitter_with_offsets():
    text = 'Dr. Smith met U.S. officials on Monday. They agreed. "Fine," he said.'
    spans = split_sentences(text, Span(0, len(text)))
    assert [s.text(text) for s in spans] == [
        "Dr. Smith met U.S. officials on Monday.",
        "They agreed.",
        '"Fine," he said.',
    ]


def test_content_units_drop_excluded_lines_and_tails():
    text = "Share this:\n\nReal prose sentence one. Real two. Like this:\n\nMore prose here."
    tail = text.index("Like this:")
    units = content_units(text, [Span(0, 11), Span(tail, tail + len("Like this:"))])
    assert units.paragraph_texts == ["Real prose sentence one. Real two.", "More prose here."]
    assert [s.text(text) for s in units.sentences] == [
        "Real prose sentence one.",
        "Real two.",
        "More prose here.",
    ]
    assert units.sentence_paragraph == [0, 0, 1]


def test_lines_skip_blank_and_strip_whitespace():
    text = "a\n   \n  b c  \n"
    assert [s.text(text) for s in split_lines(text)] == ["a", "b c"]


@pytest.mark.parametrize(
    "piece",
    [
        "The mayor spoke first. Then the council voted, 7 to 2!  Was it fair?",
        "Dr. Alvarez left at 5 p.m. on Friday. Nobody followed her",
        "\u201cWe are not done,\u201d she said.\tThe crowd\u00a0cheered. \u2026 And then silence.",
        "   leading and trailing spaces.   Two sentences here.   ",
        "no punctuation at all just words",
        "Price: $4.99 (was $6.50). Offer ends soon... Buy now!!! Or not?!",
    ],
)
def test_sentence_offsets_equal_blingfires_own(piece):
    assert [tuple(o) for o in sentence_offsets(piece)] == [
        tuple(o) for o in blingfire.text_to_sentences_and_offsets(piece)[1]
    ]
