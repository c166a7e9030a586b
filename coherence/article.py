"""The input record: one article, as read from a corpus."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """One article to score.

    ``text`` is the body as found in the input (it may still contain the headline, bylines and
    other leftovers); ``title`` is the headline when the input has one. Every span that
    ``coherence`` reports is an index into one of these two strings, unchanged.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class RecordError:
    """An input record that could not be turned into an :class:`Article`."""

    id: str
    message: str
    source: str | None = None
