"""Story introductions: does the text open like a story and name people before referring back?

A news story opens with its gist and introduces a person by full name ("Jane Smith") before it
refers back to them ("Ms Smith"). Paragraphs shuffled out of order break both, in ways the
sentence vectors miss: the text may open on a paragraph that continues something said before
("But ...", "He added ...", a quotation, "..., she said."), and a person may be referred back to
by title before being introduced. Text only; each cue comes with a reason a person can check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Words that, opening a text, continue something said before it (pronouns, connectives,
#: a definite reference back to someone or something already named). "It", "This" and the
#: like are left out: they open intact leads too ("It is the first time ...").
CONTINUATION_OPENERS: tuple[str, ...] = (
    "He",
    "She",
    "They",
    "His",
    "Her",
    "Their",
    "But",
    "And",
    "However",
    "Also",
    "Meanwhile",
    "Yet",
    "Still",
    "Instead",
    "Nevertheless",
    "Moreover",
    "Furthermore",
    "Despite this",
    "In addition",
    "The move",
    "The decision",
    "The company",
    "The firm",
    "The group",
    "The minister",
    "The star",
    "The singer",
    "The actor",
    "The couple",
)
#: Titles that refer back to a person already introduced ("Mr Smith").
TITLES: tuple[str, ...] = ("Mr", "Mrs", "Ms", "Miss", "Dr")
_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?"
_QUOTE_OPENERS = '"“‘«'


class StoryIntroductions:
    """Cues that a text does not start where its story starts.

    Parameters
    ----------
    openers:
        Words that continue something said before when they open the text.
    titles:
        Titles that refer back to a person ("Mr Smith"); counted as early when the full name
        ("John Smith") only comes later.
    attribution_pronouns:
        Pronouns that, as the subject of "said", "told", "added", quote someone not yet named.
    """

    def __init__(
        self,
        *,
        openers: Sequence[str] = CONTINUATION_OPENERS,
        titles: Sequence[str] = TITLES,
        attribution_pronouns: Sequence[str] = ("he", "she", "they"),
    ) -> None:
        self.openers = openers
        self.titles = titles
        self.attribution_pronouns = attribution_pronouns

    def opening_cue(self, first_paragraph: str) -> str | None:
        """Why the first paragraph reads as a continuation, or None when it reads as an opening.

        ``"opens with 'But'"`` (a continuation word), ``"opens inside a quotation"``, or
        ``"quotes an unnamed 'he said'"`` (a pronoun as the speaker).
        """
        text = first_paragraph.strip()
        if not text:
            return None
        openers = "|".join(re.escape(o) for o in sorted(self.openers, key=len, reverse=True))
        match = re.match(rf"[{_QUOTE_OPENERS}']?({openers})\b", text)
        if match:
            return f"opens with '{match.group(1)}'"
        if text[0] in _QUOTE_OPENERS:
            return "opens inside a quotation"
        pronouns = "|".join(re.escape(p) for p in self.attribution_pronouns)
        match = re.search(rf"\b({pronouns}) (said|says|added|adds|told)\b", text, flags=re.IGNORECASE)
        if match:
            return f"quotes an unnamed '{match.group(1).lower()} {match.group(2)}'"
        return None

    def early_references(self, paragraphs: Sequence[str]) -> list[str]:
        """People referred to by title ("Mr Smith") before their full name ("John Smith") appears,
        as "Mr Smith" strings in the order they occur. People never named in full are not counted."""
        text = "\n\n".join(paragraphs)
        titles = set(self.titles)
        introduced: dict[str, int] = {}  # surname -> where its first full name starts
        for match in re.finditer(rf"(?=\b({_WORD})\s+({_WORD})\b)", text):
            if match.group(1) not in titles:
                introduced.setdefault(match.group(2), match.start(2))
        titles_pattern = "|".join(re.escape(t) for t in self.titles)
        early: list[str] = []
        seen: set[str] = set()
        for match in re.finditer(rf"\b({titles_pattern})\.?\s+({_WORD})\b", text):
            surname = match.group(2)
            if surname in seen or surname not in introduced:
                continue
            seen.add(surname)
            if match.start() < introduced[surname]:
                early.append(f"{match.group(1)} {surname}")
        return early

    def signals(self, paragraphs: Sequence[str]) -> dict[str, float]:
        """``opens_mid_story`` (1.0 when the first paragraph has an :meth:`opening_cue`) and
        ``names_before_introduction`` (how many :meth:`early_references`)."""
        return {
            "opens_mid_story": float(bool(paragraphs) and self.opening_cue(paragraphs[0]) is not None),
            "names_before_introduction": float(len(self.early_references(paragraphs))),
        }
