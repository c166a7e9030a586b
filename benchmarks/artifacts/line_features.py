"""Line-shape features for a learned line classifier (a dev-only experiment; not shipped).

Patterns miss furniture with no marker words: a photo caption without a credit, a list of
related-story headlines at the end, a site's author page scraped as an article. Such lines still
look unlike the article's prose: no final punctuation, few stop words, title case, sitting between
prose lines or at an edge, next to lines the rules flagged. :func:`line_features` turns a line
and its neighbours into numbers for ``line_model_cv_dev.py``.
"""

from __future__ import annotations

import math
import re
from functools import cache

from coherence.units import Span

_WORD = re.compile(r"[^\W\d_]+")
_URL = re.compile(r"https?://|www\.|\.(com|org|net|co\.uk)\b", re.IGNORECASE)
_LABEL_PREFIX = re.compile(r"^[\w\s]{1,20}:")
_SENTENCE_END = (".", "!", "?", '"', "”", "’", ")", "…")

FEATURE_NAMES = (
    "log_words",
    "log_chars",
    "ends_like_sentence",
    "ends_with_colon",
    "stop_word_share",
    "capitalised_word_share",
    "upper_letter_share",
    "digit_share",
    "has_url",
    "symbol_share",
    "relative_position",
    "is_first",
    "is_last",
    "in_first_3",
    "in_last_3",
    "short_unpunctuated",
    "headline_like",
    "prev_is_prose",
    "next_is_prose",
    "prev_flagged",
    "next_flagged",
    "label_prefix",
    "has_pipe",
    "has_quote",
    "log_lines_in_text",
    "flagged_share_in_text",
    "prose_share_in_text",
)


@cache
def _stop_words() -> frozenset[str]:
    import justext

    return frozenset(justext.get_stoplist("English"))


def _is_prose(line: str) -> bool:
    return len(line.split()) >= 15 and line.rstrip().endswith(_SENTENCE_END)


def line_features(text: str, lines: list[Span], index: int, flagged: set[tuple[int, int]]) -> list[float]:
    """Shape features of ``lines[index]`` (see ``FEATURE_NAMES``); ``flagged`` = rule-flagged lines."""
    stop = _stop_words()
    span = lines[index]
    line = span.text(text)
    n = len(lines)
    words = line.split()
    alpha = _WORD.findall(line)
    letters = [c for c in line if c.isalpha()]
    stripped = line.rstrip()
    ends_sentence = stripped.endswith(_SENTENCE_END)
    prev_line = lines[index - 1].text(text) if index > 0 else ""
    next_line = lines[index + 1].text(text) if index + 1 < n else ""
    capitalised = sum(w[0].isupper() for w in alpha) / max(1, len(alpha))
    texts = [s.text(text) for s in lines]
    return [
        math.log1p(len(words)),
        math.log1p(len(line)),
        float(ends_sentence),
        float(stripped.endswith(":")),
        sum(w.casefold() in stop for w in alpha) / max(1, len(alpha)),
        capitalised,
        sum(c.isupper() for c in letters) / max(1, len(letters)),
        sum(c.isdigit() for c in line) / max(1, len(line)),
        float(bool(_URL.search(line))),
        sum(not (c.isalnum() or c.isspace()) for c in line) / max(1, len(line)),
        index / max(1, n - 1),
        float(index == 0),
        float(index == n - 1),
        float(index < 3),
        float(index >= n - 3),
        float(len(words) <= 12 and not ends_sentence),
        float(3 <= len(words) <= 16 and not ends_sentence and capitalised >= 0.5),
        float(_is_prose(prev_line)),
        float(_is_prose(next_line)),
        float(index > 0 and (lines[index - 1].start, lines[index - 1].end) in flagged),
        float(index + 1 < n and (lines[index + 1].start, lines[index + 1].end) in flagged),
        float(bool(_LABEL_PREFIX.match(line))),
        float("|" in line),
        float(any(q in line for q in ('"', "“", "”"))),
        math.log1p(n),
        sum((s.start, s.end) in flagged for s in lines) / max(1, n),
        sum(_is_prose(t) for t in texts) / max(1, n),
    ]
