"""Text units: lines, paragraphs and sentences, each with character offsets into the original text.

Paragraphs follow the text's own layout: blocks between blank lines when the text has blank
lines, otherwise one paragraph per line. Sentences come from blingfire's offline sentence
splitter, run inside each line, so a sentence never crosses a hard line break.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import blingfire

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` into a string."""

    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start


def strip_span(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding whitespace, or None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def split_lines(text: str) -> list[Span]:
    """Every non-blank line, stripped of surrounding whitespace."""
    spans, pos = [], 0
    for raw in text.split("\n"):
        span = strip_span(text, pos, pos + len(raw))
        if span is not None:
            spans.append(span)
        pos += len(raw) + 1
    return spans


def uses_blank_lines(text: str) -> bool:
    """True when the text separates paragraphs with blank lines."""
    return _BLANK_LINE.search(text.strip()) is not None


def split_paragraphs(text: str) -> list[Span]:
    """Paragraphs as the text lays them out (blank-line blocks, else single lines)."""
    if not uses_blank_lines(text):
        return split_lines(text)
    spans, pos = [], 0
    for match in _BLANK_LINE.finditer(text):
        span = strip_span(text, pos, match.start())
        if span is not None:
            spans.append(span)
        pos = match.end()
    span = strip_span(text, pos, len(text))
    if span is not None:
        spans.append(span)
    return spans


def split_sentences(text: str, span: Span) -> list[Span]:
    """Sentences inside ``span`` (one line or part of one), with offsets into ``text``."""
    piece = text[span.start : span.end]
    if not piece.strip():
        return []
    out = []
    for a, b in sentence_offsets(piece) or [(0, len(piece))]:
        s = strip_span(text, span.start + a, span.start + b)
        if s is not None:
            out.append(s)
    return out


def sentence_offsets(piece: str) -> list[tuple[int, int]]:
    """blingfire's sentence offsets in ``piece``, found faster than ``text_to_sentences_and_offsets``.

    The sentences blingfire returns are located in ``piece`` in order; where one is not found
    verbatim after only whitespace (blingfire changed its text), blingfire's own offsets are used.
    """
    out, pos = [], 0
    for sentence in blingfire.text_to_sentences(piece).split("\n"):
        start = piece.find(sentence, pos) if sentence else -1
        if start < 0 or piece[pos:start].strip():
            return blingfire.text_to_sentences_and_offsets(piece)[1]
        pos = start + len(sentence)
        out.append((start, pos))
    return out if not piece[pos:].strip() else blingfire.text_to_sentences_and_offsets(piece)[1]


def has_words(text: str) -> bool:
    return _WORD.search(text) is not None


@dataclass(frozen=True)
class Units:
    """The content units of one article, after artifact lines and headline copies are removed.

    ``paragraphs`` and ``sentences`` are the units that drift detection embeds;
    ``sentence_paragraph[i]`` is the index in ``paragraphs`` of sentence ``i``.
    """

    paragraphs: list[Span]
    paragraph_texts: list[str]
    sentences: list[Span]
    sentence_paragraph: list[int]

    def sentence_texts(self, text: str) -> list[str]:
        return [s.text(text) for s in self.sentences]


def content_units(text: str, excluded: Iterable[Span] = ()) -> Units:
    """Split ``text`` into paragraphs and sentences, leaving out the ``excluded`` spans.

    A line whose content is wholly excluded is dropped; a line partly excluded (an artifact
    glued to its end, say) keeps the longest remaining piece. Paragraph spans then cover the
    kept pieces of their lines.
    """
    cuts = sorted((s.start, s.end) for s in excluded)
    paragraphs: list[Span] = []
    paragraph_texts: list[str] = []
    sentences: list[Span] = []
    owner: list[int] = []
    for para in split_paragraphs(text):
        pieces = []
        for line in _lines_within(text, para):
            pieces.extend(_subtract(text, line, cuts))
        pieces = [p for p in pieces if has_words(p.text(text))]
        if not pieces:
            continue
        index = len(paragraphs)
        paragraphs.append(Span(pieces[0].start, pieces[-1].end))
        paragraph_texts.append(" ".join(p.text(text) for p in pieces))
        for piece in pieces:
            for sent in split_sentences(text, piece):
                if has_words(sent.text(text)):
                    sentences.append(sent)
                    owner.append(index)
    return Units(paragraphs, paragraph_texts, sentences, owner)


def _lines_within(text: str, span: Span) -> list[Span]:
    out, pos = [], span.start
    for raw in text[span.start : span.end].split("\n"):
        line = strip_span(text, pos, pos + len(raw))
        if line is not None:
            out.append(line)
        pos += len(raw) + 1
    return out


def _subtract(text: str, span: Span, cuts: list[tuple[int, int]]) -> list[Span]:
    """Parts of ``span`` outside every cut, stripped."""
    pieces, pos = [], span.start
    for a, b in cuts:
        if b <= pos or a >= span.end:
            continue
        if a > pos:
            pieces.append((pos, a))
        pos = max(pos, b)
    if pos < span.end:
        pieces.append((pos, span.end))
    out = []
    for a, b in pieces:
        s = strip_span(text, a, b)
        if s is not None:
            out.append(s)
    return out
