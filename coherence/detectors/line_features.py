"""Numbers that describe a line of an article, for the learned line model.

Patterns miss page furniture that has no marker words: a photo caption without a credit, a list of
related-story headlines, a site's author page scraped as an article. Such lines still look unlike the
article's prose: no final punctuation, few stop words, title case, a link, sitting at an edge of the
text or next to lines the rules flagged. :func:`line_features` turns every line of a text, with its
neighbours and the rules' flags, into one row of :data:`FEATURE_NAMES`; :func:`word_matrix` adds the
line's words (and punctuation marks), hashed into :data:`N_WORD_BUCKETS` buckets so that a fitted
model stores bucket weights, not words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from coherence.flags import Flag
from coherence.units import Span

_WORD = re.compile(r"[^\W\d_]+")
_URL = re.compile(r"https?://|www\.|\.(com|org|net|co\.uk)\b", re.IGNORECASE)
_LABEL_PREFIX = re.compile(r"^[\w\s]{1,20}:")
_HANDLE = re.compile(r"(?<!\w)@\w{2,15}")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
#: What a line that ends a sentence ends with (full stop, !, ?, closing quotes and brackets, ellipsis).
SENTENCE_END = (".", "!", "?", '"', "”", "’", ")", "…")
_IMPERATIVES = frozenset(
    [
        "click",
        "read",
        "watch",
        "see",
        "follow",
        "like",
        "share",
        "subscribe",
        "sign",
        "join",
        "download",
        "get",
        "visit",
        "check",
        "find",
        "learn",
        "discover",
        "order",
        "buy",
        "call",
        "email",
        "contact",
        "listen",
        "view",
        "tap",
        "support",
        "donate",
    ]
)
FURNITURE_WORDS: dict[str, str] = {  # words of page furniture, with the artifact category they suggest
    **dict.fromkeys(["share", "shares", "tweet", "comments", "comment", "follow", "loading"], "share_widget"),
    **dict.fromkeys(
        ["facebook", "twitter", "instagram", "pinterest", "linkedin", "whatsapp", "email", "print", "reddit"],
        "share_widget",
    ),
    **dict.fromkeys(["subscribe", "newsletter"], "subscription"),
    **dict.fromkeys(
        ["photo", "photos", "image", "images", "video", "videos", "gallery", "credit", "courtesy", "getty", "reuters"],
        "caption",
    ),
    **dict.fromkeys(["via", "source"], "source_attribution"),
    **dict.fromkeys(["related", "link", "links", "more", "click", "read"], "related_links"),
    **dict.fromkeys(["advertisement", "sponsored", "promoted"], "advertisement"),
    **dict.fromkeys(["copyright", "rights", "reserved", "privacy", "cookies"], "legal"),
    **dict.fromkeys(["posted", "author", "editor", "contributor"], "byline"),
    **dict.fromkeys(["updated", "published"], "dateline"),
    **dict.fromkeys(["tags", "filed"], "navigation"),
}
_FIRST_PERSON = frozenset(["i", "me", "my", "we", "our", "us"])
_SECOND_PERSON = frozenset(["you", "your", "yours"])

N_WORD_BUCKETS = 2**14
WORD_TOKEN = r"(?u)\b\w+\b|[^\w\s]"

FEATURE_NAMES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "ends_like_sentence",
    "ends_with_colon",
    "starts_lowercase",
    "stop_word_share",
    "capitalised_word_share",
    "upper_letter_share",
    "digit_share",
    "symbol_share",
    "has_url",
    "has_handle",
    "has_pipe",
    "has_quote",
    "has_time",
    "has_year",
    "label_prefix",
    "furniture_word_share",
    "imperative_start",
    "first_person_share",
    "second_person_share",
    "short_unpunctuated",
    "headline_like",
    "relative_position",
    "is_first",
    "is_last",
    "in_first_3",
    "in_last_3",
    "log_lines_in_text",
    "prev_is_prose",
    "next_is_prose",
    "prev_flagged",
    "next_flagged",
    "flagged_share_in_text",
    "prose_share_in_text",
    "rule_pattern_hit",
    "title_case_share",
    "bare_url",
    "log_words_vs_median",
    "log_text_chars",
    "short_between_prose",
    "headline_between_prose",
    "prev_ends_with_colon",
    "next_starts_lowercase",
    "repeated_in_text",
    "overlap_with_rest",
    "overlap_with_neighbours",
    "overlap_with_first_line",
    "no_overlap_mid_text",
)


@cache
def _stop_words() -> frozenset[str]:
    import justext

    return frozenset(justext.get_stoplist("English"))


def is_prose(line: str) -> bool:
    """A line of 15+ words ending like a sentence."""
    return len(line.split()) >= 15 and line.rstrip().endswith(SENTENCE_END)


_BARE_URL = re.compile(r"^\W*(https?://|www\.)\S+\W*$", re.IGNORECASE)


def content_words(line: str) -> frozenset[str]:
    """The line's lower-cased words of 3+ letters that are not stop words."""
    stop = _stop_words()
    return frozenset(w for w in map(str.casefold, _WORD.findall(line)) if len(w) >= 3 and w not in stop)


def _overlap(words: frozenset[str], other: set[str] | frozenset[str]) -> float:
    """Share of ``words`` found in ``other`` (0.0 when the line has no content word)."""
    return sum(w in other for w in words) / len(words) if words else 0.0


def _title_case_share(line: str) -> float:
    """Share of the line's non-stop words that are capitalised (Title Case headlines: near 1)."""
    stop = _stop_words()
    words = [w for w in _WORD.findall(line) if w.casefold() not in stop]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def _shape(line: str) -> list[float]:
    stop = _stop_words()
    words = line.split()
    alpha = _WORD.findall(line)
    folded = [w.casefold() for w in alpha]
    letters = list(filter(str.isalpha, line))
    stripped = line.rstrip()
    ends_sentence = stripped.endswith(SENTENCE_END)
    n_alpha = max(1, len(alpha))
    capitalised = sum(w[0].isupper() for w in alpha) / n_alpha
    return [
        math.log1p(len(words)),
        math.log1p(len(line)),
        float(ends_sentence),
        float(stripped.endswith(":")),
        float(line[:1].islower()),
        sum(map(stop.__contains__, folded)) / n_alpha,
        capitalised,
        sum(map(str.isupper, letters)) / max(1, len(letters)),
        sum(map(str.isdigit, line)) / max(1, len(line)),
        (len(line) - sum(map(str.isalnum, line)) - sum(map(str.isspace, line))) / max(1, len(line)),  # symbols
        float(bool(_URL.search(line))),
        float(bool(_HANDLE.search(line))),
        float("|" in line),
        float(any(q in line for q in ('"', "“", "”"))),
        float(bool(_TIME.search(line))),
        float(bool(_YEAR.search(line))),
        float(bool(_LABEL_PREFIX.match(line))),
        sum(map(FURNITURE_WORDS.__contains__, folded)) / n_alpha,
        float(bool(folded) and folded[0] in _IMPERATIVES),
        sum(map(_FIRST_PERSON.__contains__, folded)) / n_alpha,
        sum(map(_SECOND_PERSON.__contains__, folded)) / n_alpha,
        float(len(words) <= 12 and not ends_sentence),
        float(3 <= len(words) <= 16 and not ends_sentence and capitalised >= 0.5),
    ]


def covers_half(flags: Sequence[Flag], span: Span) -> bool:
    """Whether one of ``flags`` covers at least half of ``span``."""
    return any(min(f.end, span.end) - max(f.start, span.start) >= 0.5 * len(span) for f in flags)


def touches(flags: Sequence[Flag], span: Span) -> bool:
    """Whether one of ``flags`` overlaps ``span``."""
    return any(f.start < span.end and f.end > span.start for f in flags)


def line_features(text: str, lines: Sequence[Span], flags: Sequence[Flag], pattern_hits: Sequence[bool]) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES` per line of ``text``.

    ``flags`` are the rules' artifact flags; ``pattern_hits[i]`` says whether some rule's pattern
    matches line ``i`` at all (also where its position or length condition kept it from flagging).
    """
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    texts = [s.text(text) for s in lines]
    prose = [is_prose(t) for t in texts]
    flagged = [covers_half(flags, s) for s in lines]
    flagged_share = sum(flagged) / n
    prose_share = sum(prose) / n
    words = [len(t.split()) for t in texts]
    median_words = float(np.median(words))
    content = [content_words(t) for t in texts]
    vocabulary = Counter(w for c in content for w in c)
    folded = Counter(t.casefold() for t in texts)
    total_chars = sum(map(len, texts))
    rows = []
    for i, line in enumerate(texts):
        prev_prose = i > 0 and prose[i - 1]
        next_prose = i + 1 < n and prose[i + 1]
        neighbours = set().union(*(content[j] for j in (i - 1, i + 1) if 0 <= j < n))
        short_unpunctuated = len(line.split()) <= 12 and not line.rstrip().endswith(SENTENCE_END)
        headline_like = 3 <= len(line.split()) <= 16 and not line.rstrip().endswith(SENTENCE_END)
        overlap_rest = _overlap(content[i], {w for w in content[i] if vocabulary[w] > 1})  # in another line too
        rows.append(
            _shape(line)
            + [
                i / max(1, n - 1),
                float(i == 0),
                float(i == n - 1),
                float(i < 3),
                float(i >= n - 3),
                math.log1p(n),
                float(i > 0 and prose[i - 1]),
                float(i + 1 < n and prose[i + 1]),
                float(i > 0 and flagged[i - 1]),
                float(i + 1 < n and flagged[i + 1]),
                flagged_share,
                prose_share,
                float(pattern_hits[i]),
                _title_case_share(line),
                float(bool(_BARE_URL.match(line))),
                math.log((words[i] + 1) / (median_words + 1)),
                math.log1p(total_chars),
                float(short_unpunctuated and prev_prose and next_prose),
                float(headline_like and prev_prose and next_prose),
                float(i > 0 and texts[i - 1].rstrip().endswith(":")),
                float(i + 1 < n and texts[i + 1][:1].islower()),
                math.log(folded[line.casefold()]),
                overlap_rest,
                _overlap(content[i], neighbours),
                _overlap(content[i], content[0]) if i > 0 else 0.0,
                float(0 < i < n - 1 and headline_like and overlap_rest < 0.5),
            ]
        )
    return np.asarray(rows, dtype=float)


@cache
def _hasher() -> HashingVectorizer:
    return HashingVectorizer(
        n_features=N_WORD_BUCKETS, alternate_sign=False, binary=True, norm=None, token_pattern=WORD_TOKEN
    )


def word_matrix(lines: Sequence[str]) -> sparse.csr_matrix:
    """Which hashed words (lower-cased) and punctuation marks each line contains: 0/1, one row per line."""
    return _hasher().transform(list(lines)).tocsr()


def word_bucket(word: str) -> int:
    """The bucket of one token in :func:`word_matrix`."""
    return int(word_matrix([word]).indices[0])


def tokens(line: str) -> list[str]:
    """The tokens of ``line`` that :func:`word_matrix` hashes, lower-cased."""
    return _hasher().build_analyzer()(line)
