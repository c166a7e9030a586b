"""A corpus's reports together: tables for notebooks, the worst articles, filtering, the HTML report.

results = Results(scorer.score_many(records))
results                      # in Jupyter: a summary per source and the worst articles
results.frame()              # one row per article, signals as columns
results.worst(5)[0]          # a Report: renders with its flagged spans and drift plot
kept, rejected = results.split(FilterRule(reject_kinds=("offtopic",)))
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from coherence.filtering import FilterRule
from coherence.report import Report


class Results(list):
    """A list of :class:`~coherence.report.Report` with corpus-level views.

    Parameters
    ----------
    reports:
        Reports (or their dicts, e.g. a scores file read back).
    threshold:
        The keep threshold used by the summaries.
    """

    def __init__(self, reports: Iterable[Report | dict[str, Any]] = (), *, threshold: float = 0.5) -> None:
        super().__init__(r if isinstance(r, Report) else Report.from_dict(r) for r in reports)
        self.threshold = threshold

    def frame(self):
        """One row per article: id, source, quality, keep, error, number of flags, then every signal."""
        import pandas as pd

        rows = []
        for r in self:
            row = {
                "id": r.id,
                "source": r.source,
                "quality": r.quality,
                "keep": r.quality is not None and r.quality >= self.threshold,
                "error": r.error,
                "flags": len(r.flags),
            }
            row.update(r.signals)
            rows.append(row)
        return pd.DataFrame(rows)

    def by_source(self):
        """Per source: articles, errors, articles without a quality (not English prose), mean quality,
        the share of the source's articles rejected at the threshold (errors aside; the unscored count
        as rejected), and the mean share of text flagged as artifacts, off-topic and repeated."""
        frame = self.frame()
        if frame.empty:
            return frame
        frame["source"] = frame["source"].fillna("(none)")
        frame["rejected"] = frame["error"].isna() & ~frame["keep"]
        frame["not_scored"] = frame["error"].isna() & frame["quality"].isna()
        columns = {
            "articles": ("id", "count"),
            "errors": ("error", lambda s: int(s.notna().sum())),
            "not_scored": ("not_scored", "sum"),
            "mean_quality": ("quality", "mean"),
            "rejected_share": ("rejected", "mean"),
        }
        short = {
            "artifact_fraction": "artifacts",
            "offtopic_fraction": "offtopic",
            "duplicate_text_fraction": "repeats",
        }
        for signal, name in short.items():
            if signal in frame:
                columns[name] = (signal, "mean")
        return frame.groupby("source").agg(**columns).sort_values("articles", ascending=False)

    def worst(self, n: int = 10) -> Results:
        """The ``n`` lowest-quality scored articles, worst first."""
        scored = [r for r in self if r.quality is not None]
        worst = sorted(scored, key=lambda r: (r.quality, sum(r.contributions.values())))[:n]
        return Results(worst, threshold=self.threshold)

    def split(self, rule: FilterRule) -> tuple[Results, Results]:
        """(kept, rejected) under ``rule``; the reasons are in :meth:`FilterRule.reasons`."""
        kept, rejected = [], []
        for r in self:
            (rejected if rule.reasons(r.to_dict()) else kept).append(r)
        return Results(kept, threshold=self.threshold), Results(rejected, threshold=self.threshold)

    def to_html(self, path, articles=None, **options):
        """Write the corpus HTML report (see :func:`coherence.html_report.corpus_report`).

        ``articles``: a dict id -> Article (or record dict), or a list of them keyed by their ``id``.
        """
        from coherence.html_report import write_report

        return write_report(path, self, articles, threshold=self.threshold, **options)

    def _repr_html_(self) -> str:
        from coherence.explain import reasons
        from coherence.html_report import code_spans

        scored = [r for r in self if r.quality is not None]
        errors = sum(1 for r in self if r.error)
        unscored = f", {len(self) - len(scored) - errors} not English prose" if len(self) - len(scored) > errors else ""
        kept = sum(1 for r in scored if r.quality >= self.threshold)
        head = (
            f"<p><b>{len(self)} articles</b>: {len(scored)} scored, {errors} errors{unscored}; "
            f"{kept} kept and {len(scored) - kept} rejected at quality ≥ {self.threshold:g}.</p>"
        )
        table = self.by_source().to_html(float_format=lambda v: f"{v:.3f}", border=0) if len(self) else ""
        rows = "".join(
            f"<tr><td>{escape(r.id)}</td><td>{escape(str(r.source or ''))}</td><td>{r.quality:.3f}</td>"
            f"<td style='text-align:left'>{code_spans(escape('; '.join(reasons(r)[:2]) or '-'))}</td></tr>"
            for r in self.worst(10)
        )
        worst = (
            "<p><b>Lowest quality</b></p><table><tr><th>id</th><th>source</th><th>quality</th>"
            f"<th style='text-align:left'>why</th></tr>{rows}</table>"
            if rows
            else ""
        )
        return f"<div>{head}{table}{worst}</div>"
