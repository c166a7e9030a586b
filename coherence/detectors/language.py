"""Is this an English article made of text at all? Flag the ones that are not.

The quality model and the sentence model are made for English prose; a German article or a page of
links and numbers would get a score that means nothing. :class:`LanguageDetector` says so instead.

Language is guessed from stop words (the same idea as jusText and Gopher's stop-word rule), with
the lists jusText ships for about 100 languages (offline): a text is not English when few of its
words are English stop words *and* more of them are another language's own stop words (those not
also English ones), so terse English (agency leads, lists of headlines) is not mistaken for
foreign text. Non-text is measured as the share of letters among non-space characters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from coherence.flags import Flag

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
DEFAULT_LANGUAGES = (
    "English",
    "German",
    "French",
    "Spanish",
    "Italian",
    "Portuguese",
    "Dutch",
    "Swedish",
    "Danish",
    "Norwegian_Bokmal",
    "Finnish",
    "Polish",
    "Czech",
    "Hungarian",
    "Romanian",
    "Turkish",
    "Indonesian",
    "Russian",
    "Ukrainian",
    "Greek",
    "Arabic",
    "Persian",
    "Hindi",
    "Urdu",
    "Vietnamese",
    "Tagalog",
    "Croatian",
    "Serbian",
    "Bulgarian",
    "Hebrew",
)


@cache
def _stoplist(language: str) -> frozenset[str]:
    import justext

    return frozenset(justext.get_stoplist(language))


@cache
def _own_stopwords(language: str) -> frozenset[str]:
    """The language's stop words that are not English ones (jusText's lists overlap a lot)."""
    return _stoplist(language) - _stoplist("English")


@cache
def _languages_of(languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Word -> the languages (other than English) it is an own stop word of: one lookup per word."""
    index: dict[str, list[str]] = {}
    for language in languages:
        if language != "English":
            for word in _own_stopwords(language):
                index.setdefault(word, []).append(language)
    return {word: tuple(langs) for word, langs in index.items()}


@dataclass(frozen=True)
class LanguageResult:
    """What :meth:`LanguageDetector.assess` found."""

    language: str | None  # best-scoring stop-word list, None when there are too few words
    english_ratio: float  # share of words that are English stop words
    best_ratio: float  # share of words that are ``language``'s own (non-English) stop words
    letter_fraction: float  # letters / non-space characters
    words: int
    is_english: bool
    is_text: bool


class LanguageDetector:
    """Flags articles that are not English, or not mostly text.

    Parameters
    ----------
    languages:
        jusText stop-word lists to compare (names as in ``justext.get_stoplists()``).
    min_words:
        Texts with fewer words are not judged (``is_english`` is then True).
    min_english_ratio:
        A text with at least this share of English stop words is English.
    margin:
        Below it, another language's own stop words must beat the English share by this much.
    min_letter_fraction:
        Below this share of letters among non-space characters a text is "mostly non-text".
    max_furniture_fraction:
        When at least this share of the text is page furniture (artifact lines, as measured by the
        caller), the text is "mostly non-text" too: a site map or a page of links, not an article.
    """

    def __init__(
        self,
        *,
        languages: tuple[str, ...] = DEFAULT_LANGUAGES,
        min_words: int = 15,
        min_english_ratio: float = 0.15,
        margin: float = 0.0,
        min_letter_fraction: float = 0.6,
        max_furniture_fraction: float = 0.7,
    ) -> None:
        self.languages = languages
        self.min_words = min_words
        self.min_english_ratio = min_english_ratio
        self.margin = margin
        self.min_letter_fraction = min_letter_fraction
        self.max_furniture_fraction = max_furniture_fraction

    def assess(self, text: str) -> LanguageResult:
        """Language guess and letter share of ``text``."""
        visible = len(text) - sum(map(str.isspace, text))
        letters = sum(map(str.isalpha, text))  # a letter is never a space
        letter_fraction = letters / visible if visible else 0.0
        words = list(map(str.casefold, _WORD.findall(text)))
        is_text = letter_fraction >= self.min_letter_fraction
        if len(words) < self.min_words:
            return LanguageResult(None, float("nan"), float("nan"), letter_fraction, len(words), True, is_text)
        english_words = _stoplist("English")
        english = sum(map(english_words.__contains__, words)) / len(words)
        index = _languages_of(tuple(self.languages))
        counts = Counter(lang for w in words for lang in index.get(w, ()))
        others = {lang: counts[lang] / len(words) for lang in self.languages if lang != "English"}
        best = max(others, key=others.get) if others else "English"
        best_ratio = others.get(best, 0.0)
        is_english = english >= self.min_english_ratio or best_ratio <= english + self.margin
        language = "English" if is_english else best
        return LanguageResult(language, english, best_ratio, letter_fraction, len(words), is_english, is_text)

    def detect(
        self, text: str, furniture_fraction: float = 0.0, assessment: LanguageResult | None = None
    ) -> list[Flag]:
        """A whole-text ``non_english`` and/or ``non_text`` flag, or nothing.

        ``furniture_fraction`` is the share of the text already found to be page furniture;
        ``assessment`` is :meth:`assess`'s result for ``text`` when the caller already has it.
        """
        result = assessment or self.assess(text)
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        flags = []
        if not result.is_english:
            guess = result.language.replace("_", " ") if result.language else "unknown"
            flags.append(
                Flag(
                    "non_english",
                    start,
                    end,
                    round(min(1.0, 0.5 + result.best_ratio - result.english_ratio), 4),
                    f"not English (looks {guess}: {result.best_ratio:.0%} of words are its stop words, "
                    f"{result.english_ratio:.0%} English ones); scores are not meaningful",
                )
            )
        if not result.is_text:
            flags.append(
                Flag(
                    "non_text",
                    start,
                    end,
                    round(1.0 - result.letter_fraction, 4),
                    f"mostly non-text: only {result.letter_fraction:.0%} of characters are letters",
                )
            )
        elif furniture_fraction >= self.max_furniture_fraction:
            flags.append(
                Flag(
                    "non_text",
                    start,
                    end,
                    round(furniture_fraction, 4),
                    f"mostly page furniture: {furniture_fraction:.0%} of the text is menus, links and other "
                    "artifacts; not an article",
                )
            )
        return flags
