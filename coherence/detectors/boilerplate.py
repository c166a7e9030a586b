"""Boilerplate: lines that recur across many articles of the same source (batch mode).

A line that a site prints under every article (a promo ticker, a petition, a standard footer) is
page furniture even when no pattern knows it. :class:`BoilerplateDetector` is fitted on a corpus in
one streaming pass, then flags such lines in any article of a source it has seen.

Sources are sites: ``www.example.com`` and ``Example.com`` are one source (:func:`site_key`).
Near-same lines match: lines are compared after case folding, with digits mapped to ``0`` and
punctuation to spaces (``11.3k SHARES`` and ``7.5k SHARES`` are one line). Reposts of one story
do not make its lines boilerplate: an occurrence counts once per distinct *rest of the article*,
keyed by the article's longest other line, so three copies of the same article count as one.

A lead-in line (ending in ``:`` or ``,``: ``Quote:``, ``Sources:``, a letter's ``Yours truly,``) is never
boilerplate on its own: it belongs to what follows it, which a writer's recurring format may repeat.
A flag's category is the one the artifact rules suggest for the line
(:func:`~coherence.detectors.artifacts.guess_category`), else ``other``.

Memory: one 64-bit line hash per distinct (source, line), plus up to ``max_tracked`` article keys
for each (almost always one): about 250 bytes per distinct line in CPython, so about 7 KB for an
article of 30 lines that no other article shares.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from coherence.detectors.artifacts import guess_category
from coherence.flags import Flag
from coherence.units import split_lines

_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_LEAD_IN = (":", ",")


def site_key(source: str | None) -> str | None:
    """How sources are compared: case folded, without a leading ``www.`` (one site written two ways)."""
    if not isinstance(source, str):  # None, or a missing value such as pandas' NaN
        return None
    site = source.strip().casefold()
    return site.removeprefix("www.")


def line_key(line: str) -> str:
    """How lines are compared: case folded, digits as ``0``, punctuation as single spaces."""
    return _NON_WORD.sub(" ", _DIGITS.sub("0", line.casefold())).strip()


class BoilerplateDetector:
    """Flags lines recurring in many distinct articles of one source.

    Parameters
    ----------
    min_articles:
        Distinct articles (of one source) a line must occur in to be boilerplate.
    min_fraction:
        ... and at least this fraction of the source's articles (so a contributor's sign-off under
        3 of a big site's 150 articles is not taken for site furniture).
    max_tracked:
        Distinct articles remembered per line; the threshold never exceeds it.
    max_words:
        Longer lines are never boilerplate (long prose recurring is a duplicate, not furniture).
    score:
        Score of a boilerplate flag.
    """

    def __init__(
        self,
        *,
        min_articles: int = 4,
        min_fraction: float = 0.05,
        max_tracked: int = 20,
        max_words: int = 100,
        score: float = 0.9,
    ) -> None:
        self.min_articles = min_articles
        self.min_fraction = min_fraction
        self.max_tracked = max_tracked
        self.max_words = max_words
        self.score = score
        self.counts_: dict[tuple[str | None, int], set[int]] = defaultdict(set)
        self.articles_: dict[str | None, int] = defaultdict(int)

    def fit(self, articles: Iterable[tuple[str, str | None]]) -> BoilerplateDetector:
        """Count lines over ``(text, source)`` pairs, in one pass. Returns ``self``."""
        for text, source in articles:
            self.partial_fit(text, source)
        return self

    def partial_fit(self, text: str, source: str | None) -> None:
        """Add one article's lines to the counts."""
        if not isinstance(text, str):
            return
        lines = {s.text(text) for s in split_lines(text)}
        keyed = {(line_key(line), line) for line in lines}
        keyed = {(k, line) for k, line in keyed if k}
        if not keyed:
            return
        source = site_key(source)
        self.articles_[source] += 1
        longest = sorted(keyed, key=lambda kl: len(kl[1]), reverse=True)[:2]
        for key in {k for k, _ in keyed}:
            if len(key.split()) > self.max_words:
                continue
            # the article, told apart by its longest other line (verbatim, digits included)
            others = [line for k, line in longest if k != key]
            article_key = hash(others[0]) if others else 0
            seen = self.counts_[(source, hash(key))]
            if len(seen) < self.max_tracked:
                seen.add(article_key)

    def recurrence(self, line: str, source: str | None) -> int:
        """In how many distinct articles of ``source`` the line occurs (capped at ``max_tracked``)."""
        seen = self.counts_.get((site_key(source), hash(line_key(line))))
        return len(seen) if seen else 0

    def threshold(self, source: str | None) -> int:
        """Distinct articles a line of ``source`` must occur in to be boilerplate."""
        wanted = max(self.min_articles, round(self.min_fraction * self.articles_.get(site_key(source), 0)))
        return min(wanted, self.max_tracked)

    def detect(self, text: str, source: str | None) -> list[Flag]:
        """Flags for the lines of ``text`` that are boilerplate of ``source``."""
        flags = []
        threshold = self.threshold(source)
        for span in split_lines(text):
            line = span.text(text)
            if len(line.split()) > self.max_words or not line_key(line) or line.endswith(_LEAD_IN):
                continue
            n = self.recurrence(line, source)
            if n >= threshold:
                reason = f"recurs in {n}+ articles of {source or 'the same (unknown) source'}"
                flags.append(Flag("artifact", span.start, span.end, self.score, reason, guess_category(line)))
        return flags
