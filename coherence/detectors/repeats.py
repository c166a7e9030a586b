"""Repeated paragraphs and lines inside one article."""

from __future__ import annotations

from coherence.detectors.headline import normalize_headline
from coherence.flags import Flag
from coherence.units import split_lines, split_paragraphs


class RepeatDetector:
    """Flags every later copy of a paragraph or line already seen in the same article.

    Parameters
    ----------
    min_words:
        Shorter paragraphs and lines (such as "Advertisement") are not compared; short
        repeated boilerplate is the artifact detector's business.
    """

    def __init__(self, *, min_words: int = 6) -> None:
        self.min_words = min_words

    def detect(self, text: str) -> list[Flag]:
        flags: list[Flag] = []
        flagged: list[tuple[int, int]] = []
        for unit_name, spans in (("paragraph", split_paragraphs(text)), ("line", split_lines(text))):
            first_seen: dict[str, int] = {}
            for span in spans:
                key = normalize_headline(span.text(text))
                if len(key.split()) < self.min_words:
                    continue
                if key in first_seen:
                    if any(a <= span.start and span.end <= b for a, b in flagged):
                        continue
                    flagged.append((span.start, span.end))
                    flags.append(
                        Flag(
                            "duplicate_text",
                            span.start,
                            span.end,
                            0.99,
                            f"repeats the {unit_name} at character {first_seen[key]}",
                        )
                    )
                else:
                    first_seen[key] = span.start
        return sorted(flags, key=lambda f: f.start)
