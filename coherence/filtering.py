"""Keep/drop decisions, made from existing scores (so thresholds change without re-scoring)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from coherence.article import Article, RecordError


@dataclass(frozen=True)
class FilterRule:
    """Reject an article whose quality is below ``min_quality``, or that has an error."""

    min_quality: float = 0.5

    def reasons(self, report: dict[str, Any]) -> list[str]:
        """Why ``report`` is rejected; empty when it is kept."""
        if report.get("error"):
            return [f"error: {report['error']}"]
        quality = report.get("quality")
        if quality is None or quality < self.min_quality:
            return [f"quality {quality:.3f} < {self.min_quality}"]
        return []


def split_records(
    articles: Iterable[Article | RecordError], reports: Iterable[dict[str, Any]], rule: FilterRule
) -> Iterator[tuple[dict[str, Any], bool]]:
    """Pair each input with its report and decide; yields (output record, kept)."""
    for article, report in zip(articles, reports, strict=True):
        reasons = rule.reasons(report)
        record: dict[str, Any] = {"id": report["id"]}
        if isinstance(article, Article):
            record.update(
                {"title": article.title, "text": article.text, "url": article.url, "source": article.source}
            )
            record.update(article.meta)
            record = {k: v for k, v in record.items() if not k.startswith("_")}
        record["quality"] = report.get("quality")
        if reasons:
            record["reasons"] = reasons
            record["flags"] = report.get("flags", [])
        yield record, not reasons
