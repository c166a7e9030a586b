"""Lexical cohesion: how much of a unit's vocabulary the rest of the article shares.

A passage spliced in from another story brings its own names and content words; a passage
that belongs repeats some of the article's. For each unit this module counts its distinct
content words (lower-cased, stop words dropped, cut to a fixed prefix as a cheap stemmer) and
the share of them that occur in some *other* unit of the same article.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


class LexicalCohesion:
    """Per-unit share of content words found elsewhere in the article.

    Parameters
    ----------
    min_word_length:
        Shorter tokens are ignored.
    stem_length:
        Words are cut to this many characters before comparison ("evacuation" and
        "evacuated" then match).
    stop_words:
        Words never counted; ``None`` uses scikit-learn's English list.
    """

    def __init__(
        self, *, min_word_length: int = 3, stem_length: int = 6, stop_words: frozenset[str] | None = None
    ) -> None:
        self.min_word_length = min_word_length
        self.stem_length = stem_length
        self.stop_words = stop_words

    def words(self, text: str) -> frozenset[str]:
        """The unit's distinct content-word stems."""
        stop = ENGLISH_STOP_WORDS if self.stop_words is None else self.stop_words
        return _content_stems(text, self.min_word_length, self.stem_length, stop)

    def shared(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(share of each unit's words found in another unit, number of words of each unit)."""
        vocab = [self.words(t) for t in texts]
        counts = Counter(w for words in vocab for w in words)
        share = np.array(
            [sum(counts[w] > 1 for w in words) / len(words) if words else 1.0 for words in vocab], dtype=float
        )
        return share, np.array([len(words) for words in vocab], dtype=float)


@functools.lru_cache(maxsize=4096)
def _content_stems(text: str, min_word_length: int, stem_length: int, stop: frozenset[str]) -> frozenset[str]:
    """Cached: the drift detector asks for the same units' words several times per article."""
    out = set()
    for token in _TOKEN.findall(text):
        word = token.casefold().strip("'’-")
        if len(word) >= min_word_length and word not in stop:
            out.add(word[:stem_length])
    return frozenset(out)
