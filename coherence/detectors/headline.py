"""The article's headline: taken from the title field, or found at the top of the text, and
every repetition of it in the body."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from coherence.flags import Flag
from coherence.units import Span, split_lines

_SITE_SUFFIX = re.compile(r"\s+[-–—|:•]\s+[^-–—|:•]{2,60}$")
_SITE_PREFIX = re.compile(r"^([^-–—|:•]{2,40}\s[-–—|•]\s+|[\[(][^\])]{1,20}[\])]\s*|[A-Z ]{3,20}:\s+)")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
# the last words of a photo credit, after which a caption line may carry the page's headline
_CREDIT_WORDS = frozenset({"getty", "images", "photo", "photos", "reuters", "afp", "epa", "shutterstock"})
_LETTERS = re.compile(r"[^\W\d_]+")
#: what may follow a headline glued to the start of a line: end, or punctuation then more text
_SENTENCE_GOES_ON = re.compile(r"\s*([,;]|[a-z])")
_GLUE_BOUNDARY = re.compile(r"[\"'’”)\]]*\s*([:?!.…|]+|\s[-–—]\s|\s{2,})")


def _headline_case(line: str) -> bool:
    """Whether most of the line's words of 4+ letters are capitalised (Title Case or CAPITALS)."""
    long_words = [w for w in _LETTERS.findall(line) if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def normalize_headline(text: str) -> str:
    """Lower case, letters and digits only, single spaces: how headlines are compared."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def headline_keys(text: str) -> set[str]:
    """The normalised headline, with and without a site suffix (`` - Site Name``) or prefix
    (``Site Name - ``, ``[TAG]``, ``BREAKING:``)."""
    text = text.strip()
    variants = {text, _SITE_SUFFIX.sub("", text), _SITE_PREFIX.sub("", text)}
    variants.add(_SITE_SUFFIX.sub("", _SITE_PREFIX.sub("", text)))
    full = normalize_headline(text)
    # a stripped variant must keep most of the headline ("Story - Site" must not reduce to "Site")
    enough = max(2, len(full.split()) / 2)
    keys = {k for k in map(normalize_headline, variants) if k and (k == full or len(k.split()) >= enough)}
    # spaceless too, so that "Blair's plan" matches "Blairs plan" and "Spider-Man" matches "SpiderMan"
    return keys | {k.replace(" ", "") for k in keys}


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
    min_glued_words_start:
        Headlines this long or longer are also found glued to the start of a line (``Headline: text``).
    min_glued_words:
        Headlines this long or longer are also found verbatim (same case) anywhere inside a line.
    """

    def __init__(
        self,
        *,
        max_lines_searched: int = 4,
        max_headline_words: int = 25,
        min_glued_words_start: int = 3,
        min_glued_words: int = 6,
    ) -> None:
        self.max_lines_searched = max_lines_searched
        self.max_headline_words = max_headline_words
        self.min_glued_words_start = min_glued_words_start
        self.min_glued_words = min_glued_words

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
        if len(_WORD.findall(line)) < 2:  # a separator ("* * *") or a lone number is no headline
            return False
        keys = headline_keys(line)
        repeated = any(s.start != span.start and headline_keys(s.text(text)) & keys for s in lines[:10])
        if repeated:
            return True
        if line.endswith((".", ":", ",", ";")):
            return False
        if line.endswith("!") and not _headline_case(line):  # "... Get EXPOSED!", not "He is NOT!"
            return False
        # A headline stands alone: the next line is a longer body paragraph. Under a Title Case or
        # CAPITALS headline, a short lead-in ("Here is what he said:") or exclamation ("WOW..") may
        # come first: some later line is longer.
        following = [s for s in lines if s.start > span.start]
        if following and len(following[0]) > len(line):
            return True
        return _headline_case(line) and any(len(s) > len(line) for s in following)

    def repeats(self, text: str, headline: HeadlineMatch | None, skip: Iterable[Span] = ()) -> list[Flag]:
        """Flags for the places where ``text`` repeats the headline. When the headline itself is a
        line of the text, that line is the original and only later copies are flagged. Lines in
        ``skip`` (artifact lines, such as ``The post <headline> appeared first on ...``) are ignored,
        except for a whole line equal to the headline and a headline right after a photo credit (a
        caption, its credit, then the page's headline and dek: ``... said. | Getty <headline> ...``).

        A repeat is (a) a whole line equal to the headline ignoring case, punctuation, spacing and
        a site prefix or suffix; (b) the headline glued to the start of a line, closed by
        punctuation (``Headline: First sentence...``), flagged without the rest of the line; or
        (c) for headlines of ``min_glued_words`` words or more, the headline verbatim anywhere in a line.
        """
        if headline is None:
            return []
        keys = headline_keys(headline.text)
        title_words = _WORD.findall(headline.text.casefold())
        skipped = {(s.start, s.end) for s in skip}
        where = "title" if headline.field == "title" else "headline at the top of the text"
        flags = []
        for span in split_lines(text):
            if headline.field == "text" and span.start == headline.start:
                continue
            line = span.text(text)
            if headline_keys(line) & keys:  # even on an artifact line: the whole line is the headline
                flags.append(Flag("duplicate_headline", span.start, span.end, 0.99, f"repeats the {where}", None))
                continue
            if (span.start, span.end) in skipped:
                after_credit = self._after_credit(line, headline.text)
                if after_credit is not None:
                    a, b = after_credit
                    flags.append(
                        Flag(
                            "duplicate_headline",
                            span.start + a,
                            span.start + b,
                            0.95,
                            f"repeats the {where} (after a photo credit)",
                        )
                    )
                continue
            glued = self._glued(line, headline.text, title_words)
            if glued is not None:
                a, b, how = glued
                flags.append(
                    Flag("duplicate_headline", span.start + a, span.start + b, 0.95, f"repeats the {where} ({how})")
                )
        return flags

    def _after_credit(self, line: str, title: str) -> tuple[int, int] | None:
        """Where the headline (or the headline without its site suffix), of ``min_glued_words`` words or
        more, follows a photo credit in ``line`` (``... said. | Getty <headline> <dek>``: a caption with
        the page's header printed after it), compared word by word; or None."""
        words = list(_WORD.finditer(line))
        folded = [w.group().casefold() for w in words]
        for variant in dict.fromkeys([title, _SITE_SUFFIX.sub("", title.strip())]):
            variant_words = [w.casefold() for w in _WORD.findall(variant)]
            n = len(variant_words)
            if n < self.min_glued_words:
                continue
            for i in range(1, len(words) - n + 1):
                if folded[i : i + n] == variant_words and _CREDIT_WORDS & set(folded[max(0, i - 2) : i]):
                    return words[i].start(), words[i + n - 1].end()
        return None

    def _glued(self, line: str, title: str, title_words: list[str]) -> tuple[int, int, str] | None:
        """Where the headline sits inside ``line`` (rules b and c of :meth:`repeats`), or None."""
        if len(title_words) < self.min_glued_words_start:
            return None
        body = _SITE_PREFIX.sub("", line)
        offset = len(line) - len(body)
        n = len(title_words)
        words = list(itertools.islice(_WORD.finditer(body), n + 1))  # only the first n + 1 words matter
        if len(words) > n and [w.group().casefold() for w in words[:n]] == title_words:
            end = words[n - 1].end()
            boundary = _GLUE_BOUNDARY.match(body, end)
            if boundary and boundary.end() < len(body):
                return 0, offset + boundary.end(), "glued to the start of a line"
        for pattern in _verbatim_patterns(title, self.min_glued_words):
            found = pattern.search(line)
            # not the opening of a sentence that goes on ("This is how X happens, not with ...")
            if found and not _SENTENCE_GOES_ON.match(line, found.end()):
                return found.start(), found.end(), "verbatim inside a line"
        return None


@functools.lru_cache(maxsize=64)
def _verbatim_patterns(title: str, min_words: int) -> tuple[re.Pattern, ...]:
    """The headline (and the headline without a site suffix) as patterns matching it verbatim, any
    spacing, for variants of at least ``min_words`` words."""
    variants = dict.fromkeys([title.strip(), _SITE_SUFFIX.sub("", title.strip())])
    return tuple(
        re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, variant.split())) + r"(?!\w)")
        for variant in variants
        if len(_WORD.findall(variant)) >= min_words
    )
