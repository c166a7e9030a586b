"""Document heuristics from the pretraining-data pipelines people already use, as signals.

Each rule follows its published definition; nothing here filters. :meth:`DocumentHeuristics.signals`
returns the measured values and, per rule family, a 0/1 ``*_pass`` signal saying whether the
pipeline would have kept the document, so users can compare with what they already run.

- **Gopher** (Rae et al. 2021, *Scaling Language Models*, appendix A.1.1): quality filters (word
  count, mean word length, symbol-to-word ratio, bullet and ellipsis lines, alphabetic words, stop
  words) and repetition filters (duplicate lines and paragraphs, top n-gram and duplicate n-gram
  character fractions).
- **C4** (Raffel et al. 2020, section 2.2; TFDS ``c4_utils``): a line is kept only if it ends in
  terminal punctuation, has at least 5 words, and mentions neither "javascript" nor a cookie or
  terms-of-use policy; a page with "lorem ipsum" or a curly bracket, or with fewer than 3
  sentences after line filtering, is dropped.
- **FineWeb** (Penedo et al. 2024, ``FineWebQualityFilter`` in datatrove): fraction of lines ending
  in punctuation, fraction of short lines (<= 30 characters), fraction of characters in duplicated
  lines, newlines per word.
"""

from __future__ import annotations

import re

import numpy as np

_GOPHER_STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
_BULLETS = ("●", "•", "*", "-", "–", "—", "‣", "◦", "▪", "·")
_ELLIPSES = ("...", "…")
_C4_END_MARKS = (".", "?", "!", '"')
_C4_POLICY = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
_FINEWEB_END = (".", "'", '"', "!", "?", ":", ";", "”", "’", ")", "…")
_BLANK_LINES = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_GOPHER_DUP_NGRAM = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}
_GOPHER_TOP_NGRAM = {2: 0.20, 3: 0.18, 4: 0.16}


def c4_keeps_line(line: str) -> bool:
    """C4's line rule: terminal punctuation, at least 5 words, no javascript or policy notice."""
    line = line.strip()
    lower = line.lower()
    if not line.endswith(_C4_END_MARKS) or line.endswith("..."):
        return False
    if len(line.split()) < 5:
        return False
    if "javascript" in lower:
        return False
    return not any(p in lower for p in _C4_POLICY)


def _duplicate_fraction(items: list[str]) -> tuple[float, float]:
    """(fraction of items that repeat an earlier one, fraction of characters in them)."""
    if not items:
        return 0.0, 0.0
    seen: set[str] = set()
    dup_items = dup_chars = 0
    for item in items:
        if item in seen:
            dup_items += 1
            dup_chars += len(item)
        else:
            seen.add(item)
    total_chars = sum(len(i) for i in items) or 1
    return dup_items / len(items), dup_chars / total_chars


class _NGrams:
    """The word n-grams of a text as integer groups (numpy), for the Gopher repetition rules.

    Equal n-grams get the same group: the group of an n-gram is that of its first n-1 words paired
    with its last word (exact, no hashing), built up from n = 1.
    """

    def __init__(self, words: list[str]) -> None:
        index: dict[str, int] = {}
        self.ids = np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int64, count=len(words))
        self.lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        self.total = int(self.lengths.sum()) or 1
        self._groups: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def groups(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(group of each window, windows per group, first window of each group), for n >= 2."""
        if n not in self._groups:
            previous = self.ids if n == 2 else self.groups(n - 1)[0]
            keys = previous[:-1] * (len(self.ids) + 1) + self.ids[n - 1 :]
            _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
            self._groups[n] = (inverse, counts, first)
        return self._groups[n]

    def top_char_fraction(self, n: int) -> float:
        """Characters covered by the most frequent n-gram's occurrences, over all word characters
        (ties go to the n-gram seen first)."""
        if len(self.ids) < n:
            return 0.0
        _, counts, first = self.groups(n)
        best = counts.max()
        if best < 2:
            return 0.0
        start = int(first[counts == best].min())
        return int(self.lengths[start : start + n].sum()) * int(best) / self.total

    def duplicate_char_fraction(self, n: int) -> float:
        """Characters of words inside any n-gram that occurs more than once, over all word characters."""
        if len(self.ids) < n:
            return 0.0
        inverse, counts, _ = self.groups(n)
        starts = np.flatnonzero(counts[inverse] > 1)
        # +1 where a repeated n-gram starts, -1 where it ends; a running sum > 0 means "covered"
        delta = np.zeros(len(self.ids) + 1, dtype=np.int64)
        np.add.at(delta, starts, 1)
        np.add.at(delta, starts + n, -1)
        covered = np.cumsum(delta[:-1]) > 0
        return int(self.lengths[covered].sum()) / self.total


class DocumentHeuristics:
    """Gopher, C4 and FineWeb document heuristics, reported as signals (never filters).

    Parameters
    ----------
    prefix_gopher, prefix_c4, prefix_fineweb:
        Name prefixes of the signals of each rule family.
    """

    def __init__(
        self, *, prefix_gopher: str = "gopher_", prefix_c4: str = "c4_", prefix_fineweb: str = "fineweb_"
    ) -> None:
        self.prefix_gopher = prefix_gopher
        self.prefix_c4 = prefix_c4
        self.prefix_fineweb = prefix_fineweb

    def signals(self, text: str) -> dict[str, float]:
        """All heuristic signals of ``text``; see the module docstring for the definitions."""
        out: dict[str, float] = {}
        out.update({self.prefix_gopher + k: v for k, v in self.gopher(text).items()})
        out.update({self.prefix_c4 + k: v for k, v in self.c4(text).items()})
        out.update({self.prefix_fineweb + k: v for k, v in self.fineweb(text).items()})
        return out

    @staticmethod
    def gopher(text: str) -> dict[str, float]:
        words = text.split()
        n_words = len(words)
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        paragraphs = [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]
        lowered = [w.lower().strip(".,;:!?\"'()[]") for w in words]
        mean_len = sum(map(len, words)) / n_words if n_words else 0.0
        symbols = text.count("#") + sum(text.count(e) for e in _ELLIPSES)
        symbol_ratio = symbols / n_words if n_words else 0.0
        bullet_lines = sum(ln.startswith(_BULLETS) for ln in lines) / len(lines) if lines else 0.0
        ellipsis_lines = sum(ln.endswith(_ELLIPSES) for ln in lines) / len(lines) if lines else 0.0
        alpha_words = sum(any(map(str.isalpha, w)) for w in words) / n_words if n_words else 0.0
        stop_words = sum(map(_GOPHER_STOP_WORDS.__contains__, lowered))
        quality_pass = (
            50 <= n_words <= 100_000
            and 3 <= mean_len <= 10
            and symbol_ratio < 0.1
            and bullet_lines <= 0.9
            and ellipsis_lines <= 0.3
            and alpha_words >= 0.8
            and stop_words >= 2
        )
        dup_lines, dup_line_chars = _duplicate_fraction(lines)
        dup_paras, dup_para_chars = _duplicate_fraction(paragraphs)
        ngrams = _NGrams(lowered)
        top = {n: ngrams.top_char_fraction(n) for n in _GOPHER_TOP_NGRAM}
        dup = {n: ngrams.duplicate_char_fraction(n) for n in _GOPHER_DUP_NGRAM}
        repetition_pass = (
            dup_lines <= 0.30
            and dup_paras <= 0.30
            and dup_line_chars <= 0.20
            and dup_para_chars <= 0.20
            and all(top[n] <= t for n, t in _GOPHER_TOP_NGRAM.items())
            and all(dup[n] <= t for n, t in _GOPHER_DUP_NGRAM.items())
        )
        out = {
            "words": float(n_words),
            "mean_word_length": mean_len,
            "symbol_word_ratio": symbol_ratio,
            "bullet_line_fraction": bullet_lines,
            "ellipsis_line_fraction": ellipsis_lines,
            "alpha_word_fraction": alpha_words,
            "stop_words": float(stop_words),
            "duplicate_line_fraction": dup_lines,
            "duplicate_paragraph_fraction": dup_paras,
            "duplicate_line_char_fraction": dup_line_chars,
            "duplicate_paragraph_char_fraction": dup_para_chars,
        }
        out.update({f"top_{n}gram_char_fraction": v for n, v in top.items()})
        out.update({f"duplicate_{n}gram_char_fraction": v for n, v in dup.items()})
        out["quality_pass"] = float(quality_pass)
        out["repetition_pass"] = float(repetition_pass)
        return out

    @staticmethod
    def c4(text: str) -> dict[str, float]:
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        kept = [ln for ln in lines if c4_keeps_line(ln)]
        lower = text.lower()
        sentences = len(_SENTENCE_END.findall(" ".join(kept)))
        total_chars = sum(len(ln) for ln in lines) or 1
        page_pass = "lorem ipsum" not in lower and "{" not in text and sentences >= 3
        return {
            "dropped_line_fraction": 1 - len(kept) / len(lines) if lines else 0.0,
            "dropped_char_fraction": 1 - sum(len(ln) for ln in kept) / total_chars,
            "page_pass": float(page_pass),
        }

    @staticmethod
    def fineweb(text: str) -> dict[str, float]:
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        n_words = len(text.split())
        punct = sum(ln.endswith(_FINEWEB_END) for ln in lines) / len(lines) if lines else 0.0
        short = sum(len(ln) <= 30 for ln in lines) / len(lines) if lines else 0.0
        _, dup_chars = _duplicate_fraction(lines)
        newline_ratio = text.count("\n") / n_words if n_words else 0.0
        passes = punct > 0.12 and short < 0.67 and dup_chars < 0.01 and newline_ratio <= 0.3
        return {
            "line_punct_ratio": punct,
            "short_line_ratio": short,
            "char_duplicates_ratio": dup_chars,
            "newline_word_ratio": newline_ratio,
            "pass": float(passes),
        }
