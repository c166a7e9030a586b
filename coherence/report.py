"""The per-article report: the output contract of ``coherence``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from coherence.flags import Flag


def _clean_number(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 4)


@dataclass
class Report:
    """What ``coherence`` found in one article.

    ``quality`` is in [0, 1] (higher is better) and ``keep`` is ``quality >= threshold``;
    ``clean_quality`` is the quality of the text ``coherence clean`` leaves (see :mod:`coherence.scoring`);
    ``signals`` are the raw measurements the score is made from; ``flags`` locate each finding;
    ``segments`` are the topic segments of the text. A record that could not be scored has
    ``error`` set and everything else empty.
    """

    id: str
    quality: float | None = None
    keep: bool = False
    clean_quality: float | None = None
    signals: dict[str, float] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    headline: dict[str, Any] | None = None
    segments: list[dict[str, int]] = field(default_factory=list)
    error: str | None = None
    contributions: dict[str, float] = field(default_factory=dict)
    corpus: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: the :class:`~coherence.analysis.Analysis` behind a freshly scored report (units, vectors,
    #: drift), for plots and notebooks; never serialised, None for a report read from a file
    analysis: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def failed(cls, record_id: str, message: str, source: str | None = None) -> Report:
        return cls(id=record_id, error=message, source=source)

    def _repr_html_(self) -> str:
        """Jupyter: the article with its flagged spans highlighted, and its drift plot."""
        from coherence.html_report import notebook_html

        return notebook_html(self)

    def flags_of(self, kind: str) -> list[Flag]:
        return [f for f in self.flags if f.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready record of the output contract."""
        out: dict[str, Any] = {
            "id": self.id,
            "quality": _clean_number(self.quality),
            "clean_quality": _clean_number(self.clean_quality),
            "keep": bool(self.keep),
            "signals": {k: _clean_number(v) for k, v in self.signals.items()},
            "flags": [f.to_dict() for f in self.flags],
            "headline": self.headline,
            "segments": self.segments,
            "error": self.error,
            "contributions": {k: round(v, 4) for k, v in self.contributions.items()},
            "source": self.source,
        }
        if self.corpus is not None:
            out["corpus"] = self.corpus
        if self.warnings:
            out["warnings"] = list(self.warnings)
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from its :meth:`to_dict` record (for example a line of scores.jsonl)."""
        known = {
            "id",
            "quality",
            "clean_quality",
            "keep",
            "signals",
            "flags",
            "headline",
            "segments",
            "error",
            "contributions",
            "corpus",
            "warnings",
            "source",
        }
        signals = {k: (math.nan if v is None else float(v)) for k, v in (data.get("signals") or {}).items()}
        return cls(
            id=str(data["id"]),
            quality=data.get("quality"),
            clean_quality=data.get("clean_quality"),
            keep=bool(data.get("keep", False)),
            signals=signals,
            flags=[Flag(**f) for f in data.get("flags") or []],
            headline=data.get("headline"),
            segments=list(data.get("segments") or []),
            error=data.get("error"),
            contributions=dict(data.get("contributions") or {}),
            corpus=data.get("corpus"),
            warnings=list(data.get("warnings") or []),
            source=data.get("source"),
            extra={k: v for k, v in data.items() if k not in known},
        )
