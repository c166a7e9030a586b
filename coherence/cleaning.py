"""Clean text: the article with its artifact spans and repeated headline lines taken out.

Nothing else changes. Whole flagged lines go with their line break; a flagged tail (a share widget
glued to a sentence) goes with the spaces before it; leaked HTML entities and mojibake inside prose
are repaired in place (``&#39;`` becomes ``'``, ``â€™`` becomes ``’``) rather than dropped, because
the words around them are the article. Runs of blank lines left behind collapse to one.

:class:`CleanText` keeps, for every character of the clean text, its offset in the original, so a
span found in the clean text maps back to the original (:meth:`CleanText.to_original`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ftfy
import numpy as np

from coherence.flags import Flag

if TYPE_CHECKING:
    from coherence.detectors import ArtifactDetector, HeadlineDetector
    from coherence.detectors.boilerplate import BoilerplateDetector

#: Flag kinds whose spans are removed from the clean text.
REMOVED_KINDS = ("artifact", "duplicate_headline")
_HSPACE = " \t\u00a0"


@dataclass(frozen=True)
class CleanText:
    """The clean text and the map back to the original.

    Clean character ``i`` came from original ``[starts[i], ends[i])``: one character, or the whole
    span that a repaired piece replaced. ``starts[len(text)]`` is the original length.
    """

    text: str
    starts: np.ndarray
    ends: np.ndarray

    def to_original(self, index: int) -> int:
        """Original offset of clean offset ``index`` (0 <= index <= len(text))."""
        return int(self.starts[index])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span that clean ``text[start:end]`` came from."""
        if end <= start:
            return self.to_original(start), self.to_original(start)
        return int(self.starts[start]), int(self.ends[end - 1])


def _as_flags(flags: Iterable[Flag | dict[str, Any]]) -> list[Flag]:
    out = []
    for f in flags:
        if isinstance(f, dict):
            f = Flag(**{k: f.get(k) for k in ("kind", "start", "end", "score", "reason", "category", "field")})
        if f.field == "text":
            out.append(f)
    return out


def _repair(piece: str, flag: Flag) -> str | None:
    """The repaired text of an entity or mojibake span, or None when the span is to be dropped."""
    if flag.category == "encoding":
        fixed = ftfy.fix_encoding(piece)
        return fixed if fixed != piece else None
    if flag.category == "markup" and piece.startswith(("&", "#")):
        unescaped = html.unescape(piece if piece.startswith("&") else "&" + piece)
        return unescaped if unescaped != piece else None
    return None


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def clean(text: str, flags: Iterable[Flag | dict[str, Any]], *, kinds: tuple[str, ...] = REMOVED_KINDS) -> CleanText:
    """The text without the spans of ``flags`` of the given ``kinds`` (see the module docstring)."""
    keep = np.ones(len(text), dtype=bool)
    replacements: dict[int, tuple[int, str]] = {}
    for flag in sorted(_as_flags(flags), key=lambda f: (f.start, f.end)):
        if flag.kind not in kinds or not 0 <= flag.start < flag.end <= len(text):
            continue
        start, end = flag.start, flag.end
        fixed = _repair(text[start:end], flag) if flag.kind == "artifact" else None
        if fixed is not None:
            replacements[start] = (end, fixed)
            continue
        line_start, line_end = _line_bounds(text, start, end)
        before, after = text[line_start:start], text[end:line_end]
        if not before.strip() and not after.strip():  # the whole line: drop it with its line break
            start, end = line_start, min(line_end + 1, len(text))
        elif not after.strip():  # a tail: drop the spaces before it too
            start = line_start + len(before.rstrip(_HSPACE))
            end = line_end
        elif start > 0 and text[start - 1] in _HSPACE and text[end : end + 1] in tuple(_HSPACE):
            end += 1  # inside a line: do not leave two spaces
        keep[start:end] = False
    chars: list[tuple[str, int, int]] = []
    i = 0
    while i < len(text):
        if i in replacements and keep[i]:
            end, fixed = replacements[i]
            chars.extend((c, i, end) for c in fixed)
            i = end
            continue
        if keep[i]:
            chars.append((text[i], i, i + 1))
        i += 1
    chars = _collapse_blank_lines(chars)
    starts = np.array([s for _, s, _ in chars] + [len(text)], dtype=np.int64)
    ends = np.array([e for _, _, e in chars] + [len(text)], dtype=np.int64)
    return CleanText("".join(c for c, _, _ in chars), starts, ends)


def _collapse_blank_lines(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop blank lines at the start and end and beyond one in a row (keeping each character's origin)."""
    out: list[tuple[str, int, int]] = []
    line: list[tuple[str, int, int]] = []
    blank_run = 0
    seen_content = False
    for item in chars:
        if item[0] != "\n":
            line.append(item)
            continue
        if any(not c.isspace() for c, _, _ in line):
            out.extend(line)
            out.append(item)
            seen_content, blank_run = True, 0
        elif seen_content and blank_run == 0:
            out.append(item)  # one blank line between paragraphs
            blank_run = 1
        line = []
    if any(not c.isspace() for c, _, _ in line):
        out.extend(line)
    while len(out) >= 2 and out[-1][0] == "\n" and out[-2][0] == "\n":
        out.pop()  # no blank line at the end
    return out


def clean_text(text: str, report: Any) -> str:
    """The clean text of ``text``, given its report (a :class:`~coherence.report.Report` or its dict)."""
    flags = report.get("flags", []) if isinstance(report, dict) else report.flags
    return clean(text, flags).text


class Cleaner:
    """Finds what to remove (artifacts, boilerplate, repeated headline lines) and cleans the text;
    no embeddings needed. The flags are the same as :class:`~coherence.scorer.Scorer` reports.

    Parameters
    ----------
    artifact_detector, headline_detector:
        Detector instances; ``None`` uses each detector's defaults.
    boilerplate_detector:
        A fitted :class:`~coherence.detectors.boilerplate.BoilerplateDetector`, or ``None``.
    """

    def __init__(
        self,
        *,
        artifact_detector: ArtifactDetector | None = None,
        headline_detector: HeadlineDetector | None = None,
        boilerplate_detector: BoilerplateDetector | None = None,
    ) -> None:
        from coherence.detectors import ArtifactDetector, HeadlineDetector

        self.artifact_detector = artifact_detector or ArtifactDetector()
        self.headline_detector = headline_detector or HeadlineDetector()
        self.boilerplate_detector = boilerplate_detector

    def flags(self, text: str, title: str | None = None, source: str | None = None) -> list[Flag]:
        """The removable flags of one article."""
        from coherence.units import Span, split_lines

        flags = self.artifact_detector.detect(text, title)
        if self.boilerplate_detector is not None:
            flagged = {(f.start, f.end) for f in flags}
            flags += [f for f in self.boilerplate_detector.detect(text, source) if (f.start, f.end) not in flagged]
        lines = {(s.start, s.end) for s in split_lines(text)}
        skip = [Span(f.start, f.end) for f in flags if (f.start, f.end) in lines]
        headline = self.headline_detector.find(text, title, skip=skip)
        flags += self.headline_detector.repeats(text, headline, skip=skip)
        return sorted(flags, key=lambda f: (f.start, f.end))

    def clean(self, text: str, title: str | None = None, source: str | None = None) -> CleanText:
        """The clean text of one article, with its offset map."""
        return clean(text, self.flags(text, title, source))
