"""The article's headline: taken from the title field, or found at the top of the text, and
every repetition of it in the body."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from coherence.flags import Flag
from coherence.units import Span, split_lines

_SITE_SUFFIX = re.compile(r"\s+[-–—|:•]\s+[^-–—|:•]{2,60}$")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_headline(text: str) -> str:
    """Lower case, letters and digits only, single spaces: how headlines are compared."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def headline_keys(text: str) -> set[str]:
    """The normalised headline, with and without a trailing site suffix (`` - Site Name``)."""
    keys = {normalize_headline(text)}
    stripped = _SITE_SUFFIX.sub("", text.strip())
    if stripped != text.strip():
        keys.add(normalize_headline(stripped))
    return {k for k in keys if k}


@dataclass(frozen=True)
class HeadlineMatch:
    """Where the headline is: the ``title`` field, or a line of ``text``."""

    text: str
    field: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"text": self.text, "field": self.field, "start": self.start, "end": self.end}


class HeadlineDetector:
    """Finds the headline and flags its repetitions in the body.

    Parameters
    ----------
    max_lines_searched:
        How many non-artifact lines at the top of the text may hold an inferred headline.
    max_headline_words:
        Longer lines are never taken for a headline.
    """

    def __init__(self, *, max_lines_searched: int = 4, max_headline_words: int = 25) -> None:
        self.max_lines_searched = max_lines_searched
        self.max_headline_words = max_headline_words

    def find(self, text: str, title: str | None, skip: Iterable[Span] = ()) -> HeadlineMatch | None:
        """The title when there is one, else the headline line inferred from ``text``."""
        if title and title.strip():
            stripped = title.strip()
            start = title.index(stripped)
            return HeadlineMatch(stripped, "title", start, start + len(stripped))
        skipped = {(s.start, s.end) for s in skip}
        lines = [s for s in split_lines(text) if (s.start, s.end) not in skipped]
        if len(lines) < 2:
            return None
        for span in lines[: self.max_lines_searched]:
            if self._looks_like_headline(span.text(text), text, span, lines):
                return HeadlineMatch(span.text(text), "text", span.start, span.end)
        return None

    def _looks_like_headline(self, line: str, text: str, span: Span, lines: list[Span]) -> bool:
        words = line.split()
        if not 2 <= len(words) <= self.max_headline_words or len(line) > 200:
            return False
        keys = headline_keys(line)
        repeated = any(s.start != span.start and headline_keys(s.text(text)) & keys for s in lines[:10])
        if repeated:
            return True
        if line.endswith((".", "?", "!", ":", ",", ";")) and not line.endswith("?"):
            return False
        # A headline stands alone: the next line is a longer body paragraph.
        following = [s for s in lines if s.start > span.start]
        return bool(following) and len(following[0]) > len(line)

    def repeats(self, text: str, headline: HeadlineMatch | None) -> list[Flag]:
        """Flags for lines of ``text`` that repeat the headline (ignoring case, punctuation,
        spacing and a site suffix). When the headline itself is a line of the text, that line
        is the original and only later copies are flagged."""
        if headline is None:
            return []
        keys = headline_keys(headline.text)
        flags = []
        for span in split_lines(text):
            if headline.field == "text" and span.start == headline.start:
                continue
            line = span.text(text)
            if headline_keys(line) & keys:
                where = "title" if headline.field == "title" else "headline at the top of the text"
                flags.append(
                    Flag("duplicate_headline", span.start, span.end, 0.99, f"repeats the {where}", None)
                )
        return flags
