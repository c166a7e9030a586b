"""Flags: one located finding inside an article, with the reason for it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Field = Literal["text", "title"]


@dataclass(frozen=True)
class Flag:
    """A span of ``text`` (or ``title``) that a detector found damaged.

    ``article.text[start:end]`` is exactly the flagged passage; ``score`` in [0, 1] is how sure
    the detector is; ``reason`` says why in words a person can check.
    """

    kind: str
    start: int
    end: int
    score: float
    reason: str
    category: str | None = None
    field: Field = "text"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = round(float(self.score), 4)
        return {k: d[k] for k in ("kind", "field", "start", "end", "score", "reason", "category")}
